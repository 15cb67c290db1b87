// The tracking routes: the open pixel (always the GIF, counted only for a real recipient's token) and the click
// redirect (to a link of the stored edition, or 404).
import { HeraldError } from '../domain/errors.ts';
import { followClick, recordOpen, type Requester } from '../domain/tracking.ts';
import { logger } from '../wiring/logger.ts';
import type { Services } from '../wiring/services.ts';
import type { Request, Response } from './http.ts';
import type { RouteName } from './routes.ts';

export type TrackingRouteName = Extract<RouteName, 'trackOpen' | 'trackClick'>;

/** A transparent 1x1 GIF. */
const PIXEL = 'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';
const NO_STORE = { 'cache-control': 'no-store, private', 'referrer-policy': 'no-referrer' };

/** The reader's address: CloudFront puts the viewer first in X-Forwarded-For; locally it is the socket's. */
function requesterOf(r: Request): Requester {
  const forwarded = r.event.headers['x-forwarded-for']?.split(',')[0]?.trim();
  return {
    userAgent: r.event.headers['user-agent'] ?? r.event.requestContext.http.userAgent ?? '',
    ip: forwarded || r.event.requestContext.http.sourceIp,
  };
}

export function trackingRoutes(services: Services): Record<TrackingRouteName, (r: Request) => Promise<Response>> {
  return {
    trackOpen: async (r) => {
      try {
        await recordOpen(services, r.params.token ?? '', requesterOf(r));
      } catch (error) {
        // The reader's mail client gets its image whatever happened; the failure is logged once here.
        if (!(error instanceof HeraldError)) logger.error('open not recorded', { error });
      }
      return {
        statusCode: 200,
        headers: { 'content-type': 'image/gif', ...NO_STORE },
        body: PIXEL,
        isBase64Encoded: true,
      };
    },
    trackClick: async (r) => ({
      statusCode: 302,
      headers: { location: await followClick(services, r.params.token ?? '', requesterOf(r)), ...NO_STORE },
    }),
  };
}
