// What the HTTP API lets through: a throttle of its own for each route, so a flood on one public route cannot use
// up another's (one-click unsubscribes above all), and the Lambda concurrency each API function reserves.
import { apiFunctionOf, ROUTES, type RouteSpec } from '../contracts/routes.ts';

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
/** A public route of no group above (the archive). */
export const OTHER_PUBLIC_THROTTLE: Throttle = { rate: 20, burst: 40 };

export function throttleOf(spec: RouteSpec): Throttle {
  if (apiFunctionOf(spec) === 'editor') return EDITOR_THROTTLE;
  const group = PUBLIC_THROTTLES.find((g) => g.prefixes.some((prefix) => spec.path.startsWith(prefix)));
  return group?.throttle ?? OTHER_PUBLIC_THROTTLE;
}

/** About how long a warm public request takes (a few DynamoDB calls, a page or an SES call). */
const PUBLIC_REQUEST_SECONDS = 0.1;

/**
 * The PublicApi's reserved concurrency, its floor and its ceiling: room for every public route at its throttle at
 * once, so a flood held to its own routes' budgets leaves unsubscribes a function to run in; and a cap, so a
 * flood cannot take the account's concurrency from the editor and the senders.
 */
export const PUBLIC_API_CONCURRENCY = Math.ceil(
  Object.values(ROUTES)
    .filter((spec) => apiFunctionOf(spec) === 'public')
    .reduce((sum, spec) => sum + throttleOf(spec).rate, 0) * PUBLIC_REQUEST_SECONDS,
);

/** The EditorApi's reserved concurrency: a handful of editors and coordinators, previews that render MJML. */
export const EDITOR_API_CONCURRENCY = 20;

/** Lambda keeps at least this many of an account's concurrent executions unreserved. */
export const MIN_UNRESERVED_CONCURRENCY = 100;
