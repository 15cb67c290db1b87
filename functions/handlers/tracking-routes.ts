// The tracking routes: the open pixel (always the GIF, counted only for a real recipient's token) and the click
// redirect (to a link of the stored edition, or 404).
import { CallerError, NotFoundError } from '../domain/errors.ts';
import { followClick, recordOpen, type Requester, type TrackingDeps } from '../domain/tracking.ts';
import { logger } from '../wiring/logger.ts';
import { viewerIp, type Request, type Response } from './http.ts';
import { NO_STORE } from '../../contracts/headers.ts';
import type { RouteName } from '../../contracts/routes.ts';

export type TrackingRouteName = Extract<RouteName, 'trackOpen' | 'trackClick'>;

/** A transparent 1x1 GIF. */
const PIXEL = 'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';
/** Neither the pixel nor the redirect may be cached (each counts), nor may the link's target see where it came from. */
const PRIVATE = { 'cache-control': NO_STORE, 'referrer-policy': 'no-referrer' };

/** Who fetched the pixel or followed the link: the address the edge saw (X-Forwarded-For is the client's to write). */
export function requesterOf(r: Pick<Request, 'event'>): Requester {
  return {
    userAgent: r.event.headers['user-agent'] ?? r.event.requestContext.http.userAgent ?? '',
    ip: viewerIp(r.event),
  };
}

/**
 * A Location header holds ASCII only: the link as a URL, percent-encoded (`/€-price` -> `/%E2%82%AC-price`, an
 * IDN host in punycode). A stored link that is no URL leads nowhere.
 */
function location(target: string): string {
  try {
    return new URL(target).href;
  } catch {
    throw new NotFoundError('link');
  }
}

export function trackingRoutes(services: TrackingDeps): Record<TrackingRouteName, (r: Request) => Promise<Response>> {
  return {
    trackOpen: async (r) => {
      try {
        await recordOpen(services, r.params.token ?? '', requesterOf(r));
      } catch (error) {
        // The reader's mail client gets its image whatever happened; the failure is logged once here.
        if (!(error instanceof CallerError)) logger.error('open not recorded', { error });
      }
      return {
        statusCode: 200,
        headers: { 'content-type': 'image/gif', ...PRIVATE },
        body: PIXEL,
        isBase64Encoded: true,
      };
    },
    trackClick: async (r) => ({
      statusCode: 302,
      headers: { location: location(await followClick(services, r.params.token ?? '', requesterOf(r))), ...PRIVATE },
    }),
  };
}
