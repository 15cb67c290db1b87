// The admins' subscriber routes: the list and its CSV export, a subscriber's page, unsubscribe, suppress, erase,
// resend the confirmation, and a suppression list's import (text/csv).
import {
  eraseByAdmin,
  exportSubscribers,
  listSubscribers,
  resendConfirmation,
  subscriberDetail,
  suppressByAdmin,
  unsubscribeByAdmin,
} from '../domain/subscriber-admin.ts';
import { importSuppressions } from '../domain/suppression-list.ts';
import { ValidationError } from '../domain/errors.ts';
import type { Services } from '../wiring/services.ts';
import { bodyText, json, type Request, type Response } from './http.ts';
import { MAX_CSV_BODY_BYTES } from '../../contracts/limits.ts';
import type { RouteName } from '../../contracts/routes.ts';

export type SubscribersAdminRouteName = Extract<
  RouteName,
  | 'listSubscribers'
  | 'exportSubscribers'
  | 'getSubscriber'
  | 'eraseSubscriber'
  | 'unsubscribeSubscriber'
  | 'suppressSubscriber'
  | 'resendConfirmation'
  | 'importSuppressions'
>;

/** A CSV upload: `text/csv` (or plain text), at most MAX_CSV_BODY_BYTES. */
function csvBody(request: Request): string {
  const type = request.event.headers['content-type'] ?? '';
  if (!/^text\/(csv|plain)\b/i.test(type)) throw new ValidationError('content-type', 'must be text/csv');
  return bodyText(request.event, MAX_CSV_BODY_BYTES);
}

export function subscribersAdminRoutes(
  services: Services,
): Record<SubscribersAdminRouteName, (request: Request) => Promise<Response>> {
  const id = (r: Request) => r.params.id ?? '';
  return {
    listSubscribers: async (r) => json(200, await listSubscribers(services, r.query)),
    exportSubscribers: async (r): Promise<Response> => {
      const { csv, nextCursor } = await exportSubscribers(services, r.query);
      const next = nextCursor && new URLSearchParams({ ...r.query, cursor: nextCursor } as Record<string, string>);
      return {
        statusCode: 200,
        headers: {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="subscribers${r.query.cursor ? '-continued' : ''}.csv"`,
          // The next page, when the export goes on: its rows follow this page's in the same file.
          ...(next && { link: `</api/subscribers/export?${next}>; rel="next"`, 'x-next-cursor': nextCursor }),
        },
        body: csv,
      };
    },
    getSubscriber: async (r) => json(200, await subscriberDetail(services, id(r))),
    eraseSubscriber: async (r) => {
      await eraseByAdmin(services, id(r));
      return json(204);
    },
    unsubscribeSubscriber: async (r) => json(200, await unsubscribeByAdmin(services, id(r))),
    suppressSubscriber: async (r) => json(200, await suppressByAdmin(services, id(r))),
    resendConfirmation: async (r) => json(202, await resendConfirmation(services, id(r))),
    importSuppressions: async (r) => json(200, await importSuppressions(services, csvBody(r))),
  };
}
