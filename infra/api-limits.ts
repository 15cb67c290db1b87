// What the HTTP API lets through: a throttle of its own for each route, so a flood on one public route cannot use
// up another's (one-click unsubscribes above all), and the Lambda concurrency each API function reserves.
import { apiFunctionOf, ROUTES, type ApiFunction, type RouteSpec } from '../contracts/routes.ts';

/** API Gateway's token bucket: requests per second, and how many may arrive at once. */
export interface Throttle {
  rate: number;
  burst: number;
}

/** The editor's routes (behind the JWT authorizer), each. */
export const EDITOR_THROTTLE: Throttle = { rate: 50, burst: 100 };

/** The public routes' budgets by the path they start with; each route of a group has a budget of its own. */
export const PUBLIC_THROTTLES: readonly { group: string; prefixes: readonly string[]; throttle: Throttle }[] = [
  // A mail client's one-click unsubscribe (RFC 8058) and the page's button: the most generous budget.
  { group: 'unsubscribe', prefixes: ['/unsubscribe/'], throttle: { rate: 100, burst: 200 } },
  { group: 'preferences', prefixes: ['/preferences/', '/api/preferences/'], throttle: { rate: 50, burst: 100 } },
  { group: 'signup', prefixes: ['/subscribe', '/api/subscribe'], throttle: { rate: 20, burst: 40 } },
  { group: 'tracking', prefixes: ['/t/'], throttle: { rate: 50, burst: 100 } },
];
/** A public route of no group above (the archive and the notices, which CloudFront mostly answers). */
export const OTHER_PUBLIC_THROTTLE: Throttle = { rate: 20, burst: 40 };

export function throttleOf(spec: RouteSpec): Throttle {
  if (spec.access !== 'public') return EDITOR_THROTTLE;
  const group = PUBLIC_THROTTLES.find((g) => g.prefixes.some((prefix) => spec.path.startsWith(prefix)));
  return group?.throttle ?? OTHER_PUBLIC_THROTTLE;
}

/** About how long a warm public request takes (a few DynamoDB calls, a page or an SES call). */
const PUBLIC_REQUEST_SECONDS = 0.1;

/** Room for every route of a public function at its throttle at once, at PUBLIC_REQUEST_SECONDS a request. */
const concurrencyFor = (fn: Exclude<ApiFunction, 'editor' | 'images'>) =>
  Math.ceil(
    Object.values(ROUTES)
      .filter((spec) => apiFunctionOf(spec) === fn)
      .reduce((sum, spec) => sum + throttleOf(spec).rate, 0) * PUBLIC_REQUEST_SECONDS,
  );

/**
 * The PublicApi's reserved concurrency, its floor and its ceiling: room for its routes at their throttles, so a
 * flood held to its routes' budgets does not throttle its own other routes; and a cap, so a flood cannot take the
 * account's concurrency from the unsubscribes, the editor and the senders.
 */
export const PUBLIC_API_CONCURRENCY = concurrencyFor('public');

/**
 * The UnsubscribeApi's: room for both unsubscribe routes at their throttles, held for them alone, so a one-click
 * unsubscribe runs however the other public routes are flooded.
 */
export const UNSUBSCRIBE_API_CONCURRENCY = concurrencyFor('unsubscribe');

/** The EditorApi's reserved concurrency: a handful of editors and coordinators, previews that render MJML. */
export const EDITOR_API_CONCURRENCY = 20;

/** Lambda keeps at least this many of an account's concurrent executions unreserved. */
export const MIN_UNRESERVED_CONCURRENCY = 100;

/** The ImagesApi's reserved concurrency: a few editors uploading at once; each processing holds up to 1.5 GB. */
export const IMAGES_API_CONCURRENCY = 5;
