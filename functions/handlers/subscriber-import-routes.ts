// `POST /api/subscribers/import`: a CSV body (text/csv, or bytes) and the import's options in the query, to the
// import use case; the answer is its report (200, also for a dry run).
import { PayloadTooLargeError } from '../domain/errors.ts';
import { csvText, importOptions, importSubscribers } from '../domain/subscriber-import.ts';
import type { Services } from '../wiring/services.ts';
import { json, type Request, type Response } from './http.ts';
import { IMPORT_MAX_BYTES } from '../../contracts/limits.ts';
import type { RouteName } from '../../contracts/routes.ts';

export type SubscriberImportRouteName = Extract<RouteName, 'importSubscribers'>;

export function subscriberImportRoutes(
  services: Services,
): Record<SubscriberImportRouteName, (request: Request) => Promise<Response>> {
  return {
    importSubscribers: async (r) => {
      const options = importOptions(r.query);
      const raw = r.event.body ?? '';
      const body = r.event.isBase64Encoded ? Buffer.from(raw, 'base64') : raw;
      const bytes = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
      if (bytes > IMPORT_MAX_BYTES) {
        throw new PayloadTooLargeError(`is over ${IMPORT_MAX_BYTES / 1024 / 1024} MB; split the file`);
      }
      const importedBy = r.principal?.email ?? r.principal?.sub ?? 'unknown';
      return json(200, await importSubscribers(services, csvText(body), options, importedBy));
    },
  };
}
