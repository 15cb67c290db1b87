// The HTTP API's routes: each route of the contract (routes.ts) mapped to one use case. The PublicApi,
// UnsubscribeApi and EditorApi Lambdas (public-api.ts, unsubscribe-api.ts, editor-api.ts) each serve their part of
// them, the embedded stack all.
import * as z from 'zod';
import {
  createRecord,
  deleteRecord,
  getRecord,
  listRecords,
  updateRecord,
  type EditableKind,
} from '../domain/content.ts';
import { loadIssueContent } from '../domain/edition.ts';
import {
  createIssue,
  deleteIssue,
  duplicateIssue,
  previewIssue,
  sendTest,
  translationStatus,
  updateIssue,
} from '../domain/issue-editing.ts';
import { getIssue, listIssues } from '../domain/issues.ts';
import { issueAudience } from '../domain/audience.ts';
import { cancelLocalStarts, localTimeSchema, scheduleLocalSend } from '../domain/local-time.ts';
import { cancelScheduledSend, scheduleSend, startSend } from '../domain/sending.ts';
import { cancelSend, pauseSend, resumePausedSend } from '../domain/send-controls.ts';
import { compareIssues, coordinatorScope, issueStats, type StatsScope } from '../domain/stats.ts';
import { ForbiddenError, ValidationError } from '../domain/errors.ts';
import { growthSeries } from '../domain/growth.ts';
import { disseminationReport } from '../domain/report.ts';
import { reportCsv, statsCsv, type CsvVariant } from '../domain/report-csv.ts';
import { referenceData } from '../domain/reference.ts';
import { createClients, secretValue } from '../wiring/clients.ts';
import { loadConfig } from '../wiring/config.ts';
import { createServices, type Services } from '../wiring/services.ts';
import { onceStarted } from '../wiring/startup.ts';
import { throughEdgeOnly } from './edge.ts';
import {
  createRouter,
  html,
  type Route,
  type HttpEvent,
  json,
  MAX_RECORD_BODY_BYTES,
  parseBody,
  text,
  type Principal,
  type Request,
  type Response,
} from './http.ts';
import { ROUTES, routesOf, type ApiFunction, type RouteName } from '../../contracts/routes.ts';
import { archiveRoutes, type ArchiveRouteName } from './archive-routes.ts';
import { subscriberRoutes, type SubscriberRouteName } from './subscriber-routes.ts';
import { subscribersAdminRoutes, type SubscribersAdminRouteName } from './subscribers-admin-routes.ts';
import { subscriberImportRoutes, type SubscriberImportRouteName } from './subscriber-import-routes.ts';
import { trackingRoutes, type TrackingRouteName } from './tracking-routes.ts';
import { imageRoutes, type ImageRouteName } from './image-routes.ts';

const sendRequestSchema = z
  .strictObject({
    allowFallback: z.boolean().optional(),
    /** When to send (ISO 8601 with a zone, e.g. 2026-12-01T09:00:00+01:00); now when absent. */
    at: z.iso.datetime({ offset: true }).optional(),
    /** Or a date and an hour that each country gets it at in its own time zone. */
    localTime: localTimeSchema.optional(),
  })
  .refine((body) => !(body.at && body.localTime), { message: 'give at or localTime, not both', path: ['localTime'] });

/** Admins and editors read every region; a coordinator only their own (the `custom:region` claim). */
function statsScope(services: Services, principal: Principal | undefined): StatsScope {
  if (principal?.groups.some((g) => g === 'admin' || g === 'editor')) return { all: true };
  const scope = coordinatorScope(services.reference, principal?.region);
  if (!scope) throw new ForbiddenError('this coordinator account names no known region (custom:region)');
  return scope;
}

const FORMATS = ['json', 'csv', 'csv-raw', 'pdf'] as const;
type Format = (typeof FORMATS)[number];
/** `format=` when given, else what Accept asks for: CSV for people, a PDF, or JSON. */
function formatOf(r: Request, allowed: readonly Format[]): Format {
  const asked = r.query.format;
  if (asked !== undefined) {
    if (!(allowed as readonly string[]).includes(asked)) {
      throw new ValidationError('format', `must be one of ${allowed.join(', ')}`);
    }
    return asked as Format;
  }
  const accept = r.event.headers.accept ?? '';
  if (/\btext\/csv\b/i.test(accept)) return 'csv';
  if (allowed.includes('pdf') && /\bapplication\/pdf\b/i.test(accept)) return 'pdf';
  return 'json';
}
/** A download's file name: letters, digits, dots, dashes and underscores only (no quote or path can sneak in). */
const fileName = (value: string) => value.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^\.+/, '');
const download = (contentType: string, name: string, body: string | Buffer): Response => ({
  statusCode: 200,
  headers: { 'content-type': contentType, 'content-disposition': `attachment; filename="${fileName(name)}"` },
  ...(typeof body === 'string' ? { body } : { body: body.toString('base64'), isBase64Encoded: true }),
});
const csvVariant = (format: Format): CsvVariant => (format === 'csv-raw' ? 'raw' : 'human');

/** The router of every route, or of the routes one function serves. */
export function createApiHandler(services: Services, only?: ApiFunction) {
  const id = (request: Request) => request.params.id ?? '';
  /** Records and issues: validated by their use case, which names the field at fault. */
  const body = (request: Request) => parseBody(request.event, z.unknown(), MAX_RECORD_BODY_BYTES);

  /** The five record routes of one kind. */
  const records = (kind: EditableKind) => ({
    list: async (r: Request) => json(200, await listRecords(services, kind, r.query)),
    create: async (r: Request) => json(201, await createRecord(services, kind, body(r))),
    get: async (r: Request) => json(200, await getRecord(services.content, kind, id(r))),
    update: async (r: Request) => json(200, await updateRecord(services, kind, id(r), body(r))),
    remove: async (r: Request) => {
      await deleteRecord(services, kind, id(r));
      return json(204);
    },
  });
  const highlights = records('highlight');
  const practices = records('practice');
  const archive = archiveRoutes(services);

  const handlers: Record<
    Exclude<
      RouteName,
      | SubscriberRouteName
      | SubscribersAdminRouteName
      | SubscriberImportRouteName
      | TrackingRouteName
      | ArchiveRouteName
      | ImageRouteName
    >,
    (request: Request) => Promise<Response>
  > = {
    me: async ({ principal }) => json(200, principal),
    reference: async () => json(200, referenceData(services.reference)),
    listHighlights: highlights.list,
    createHighlight: highlights.create,
    getHighlight: highlights.get,
    updateHighlight: highlights.update,
    deleteHighlight: highlights.remove,
    listPractices: practices.list,
    createPractice: practices.create,
    getPractice: practices.get,
    updatePractice: practices.update,
    deletePractice: practices.remove,
    listIndicators: async () => json(200, { items: await services.content.list('indicator') }),

    listIssues: async () => json(200, { issues: await listIssues(services.issues) }),
    createIssue: async (r) => json(201, { id: (await createIssue(services, body(r))).id }),
    getIssue: async (r) => {
      const issue = await getIssue(services, id(r));
      const content = await loadIssueContent(services.content, issue);
      const translation = translationStatus(services.reference.languages, issue, content);
      // A send at a local hour: each start, its countries and whether it has begun.
      const local = await services.starts.get(issue.id);
      const localStarts = local && {
        localTime: local.localTime,
        starts: local.starts.map(({ at, countries, timeZones, state }) => ({ at, countries, timeZones, state })),
      };
      return json(200, { ...issue, translation, ...(localStarts && { localStarts }) });
    },
    updateIssue: async (r) => json(200, await updateIssue(services, id(r), body(r))),
    deleteIssue: async (r) => {
      await deleteIssue(services, id(r));
      return json(204);
    },
    duplicateIssue: async (r) => {
      const { issue, leftOut } = await duplicateIssue(services, id(r));
      return json(201, { id: issue.id, title: issue.title, leftOut });
    },
    previewIssue: async (r) => {
      const preview = await previewIssue(services, id(r), r.query);
      return preview.format === 'html' ? html(200, preview.body) : text(200, preview.body);
    },
    issueAudience: async (r) => json(200, await issueAudience(services, id(r))),
    testIssue: async (r) => json(202, await sendTest(services, id(r), parseBody(r.event, z.unknown()))),
    sendIssue: async (r) => {
      const { at, allowFallback, localTime } = parseBody(r.event, sendRequestSchema);
      if (localTime) {
        const { scheduledAt, starts } = await scheduleLocalSend(services, id(r), localTime, { allowFallback });
        return json(202, { id: id(r), status: 'scheduled', scheduledAt, starts });
      }
      if (at) {
        const { scheduledAt } = await scheduleSend(services, id(r), new Date(at), { allowFallback });
        return json(202, { id: id(r), status: 'scheduled', scheduledAt });
      }
      const { recipients } = await startSend(services, id(r), { allowFallback });
      return json(202, { id: id(r), status: 'sending', recipients });
    },
    cancelScheduledSend: async (r) => {
      // A send at a local hour cancels each start that has not begun.
      if ((await services.starts.get(id(r)))?.starts.some((s) => s.state === 'waiting')) {
        return json(200, { id: id(r), ...(await cancelLocalStarts(services, id(r))) });
      }
      await cancelScheduledSend(services, id(r));
      return json(200, { id: id(r), status: 'draft' });
    },
    pauseSend: async (r) => json(200, await pauseSend(services, id(r))),
    resumeSend: async (r) => json(200, await resumePausedSend(services, id(r))),
    cancelSend: async (r) => json(200, await cancelSend(services, id(r))),

    issueStats: async (r) => {
      const format = formatOf(r, ['json', 'csv', 'csv-raw']);
      const stats = await issueStats(services, id(r), r.query, statsScope(services, r.principal));
      if (format === 'json') return json(200, stats);
      const language = services.reference.negotiateLanguage(r.query.lang, undefined);
      const text = services.reportText(language);
      const csv = statsCsv(stats, csvVariant(format), { reference: services.reference, language, text });
      return download('text/csv; charset=utf-8', `${stats.issueId}-by-${stats.by}.csv`, csv);
    },
    compareIssues: async (r) => json(200, await compareIssues(services, r.query, statsScope(services, r.principal))),
    disseminationReport: async (r) => {
      const format = formatOf(r, FORMATS);
      const { language, ...report } = await disseminationReport(services, r.query, statsScope(services, r.principal));
      if (format === 'json') return json(200, report);
      const text = services.reportText(language);
      const name = `${services.reference.profile.shortName}-report-${report.from}-${report.to}-by-${report.by}`;
      if (format === 'pdf') {
        return download('application/pdf', `${name}.pdf`, await services.reportPdf(report, language));
      }
      return download('text/csv; charset=utf-8', `${name}.csv`, reportCsv(report, csvVariant(format), text));
    },
    growth: async (r) => json(200, await growthSeries(services, r.query, statsScope(services, r.principal))),
  };

  const all: Record<RouteName, (request: Request) => Promise<Response>> = {
    ...handlers,
    ...subscriberRoutes(services),
    ...subscribersAdminRoutes(services),
    ...subscriberImportRoutes(services),
    ...trackingRoutes(services),
    ...imageRoutes(services),
    ...archive.handlers,
  };
  const names = only ? routesOf(only) : (Object.keys(ROUTES) as RouteName[]);
  return createRouter(
    names.map((name): Route => {
      const spec = ROUTES[name];
      // Every address under /archive/ answers a page, its 404 too.
      return { spec, run: all[name], ...(spec.path.startsWith('/archive/') && { failed: archive.notFound }) };
    }),
  );
}

/**
 * The Lambda handler of one API function (public-api.ts, unsubscribe-api.ts, editor-api.ts): its services and the
 * edge secret read once per instance (again after a failed start), its routes behind the edge check.
 */
export function apiLambda(
  fn: ApiFunction,
  overrides: Pick<Parameters<typeof createServices>[2] & object, 'pdf' | 'csv' | 'images'> = {},
) {
  const ready = onceStarted(async () => {
    const config = loadConfig();
    const clients = createClients();
    const [services, edgeSecret] = await Promise.all([
      createServices(config, clients, overrides),
      config.edgeSecret && secretValue(config.edgeSecret, clients, 'edge secret'),
    ]);
    return throughEdgeOnly(createApiHandler(services, fn), edgeSecret);
  });
  return async (event: HttpEvent) => (await ready())(event);
}
