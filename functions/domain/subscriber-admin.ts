// The admins' work on subscribers: the searchable list with its counts, a subscriber's page (consent and deliveries),
// unsubscribe, suppress, erase and resend the confirmation through subscribers.ts's own transitions, and the CSV
// export. A suppression list's import is suppression-list.ts.
import * as z from 'zod';
import { ConflictError, NotFoundError, ValidationError } from './errors.ts';
import { perReference, type Reference } from './reference.ts';
import { BYTE_ORDER_MARK, csvCell, csvLine } from './report-csv.ts';
import {
  eraseSubscriber,
  sendConfirmation,
  SUBSCRIBER_STATUSES,
  suppress,
  type SubscriberDeps,
  type SubscriberRecord,
  type SubscriberStatus,
} from './subscribers.ts';
import { growthOfChange } from './growth.ts';
import { validate } from './validation.ts';

/** Every subscriber, a page of the table at a time: the admins' list reads it (a scan, never all at once). */
export interface SubscriberListing {
  /**
   * The subscribers in the table's own order (the same each time), starting just after the subscriber `after`; with
   * `fields`, only those (and the id) are read.
   */
  scan(options: { after?: string; fields?: readonly ListedField[] }): AsyncIterable<SubscriberRecord[]>;
}

export interface SubscriberAdminDeps extends SubscriberDeps {
  listing: SubscriberListing;
}

export const LIST_PAGE_SIZE = 50;
/** An export answer's CSV at most: under Lambda's 6 MB response, so a page never fails for its size. */
export const EXPORT_PAGE_BYTES = 4 * 1024 * 1024;

const ID_PATTERN = /^[\w-]{1,100}$/;
const encodeCursor = (id: string) => Buffer.from(id, 'utf8').toString('base64url');
function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!ID_PATTERN.test(id)) throw new ValidationError('cursor', 'is not a cursor this API gave out');
  return id;
}

/** Query values as they come: an empty `?country=` means no filter. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

export const subscriberQuerySchema = perReference((reference: Reference) => {
  const topics = new Set(reference.topics);
  return z.strictObject({
    q: optional(z.string().trim().max(254, 'is longer than 254 characters')),
    country: optional(z.string().refine((c) => reference.isCountry(c), 'is not one of the project’s countries')),
    language: optional(z.string().refine((l) => reference.isLanguage(l), 'is not one of the project’s languages')),
    region: optional(z.string().max(80)),
    status: optional(z.enum(SUBSCRIBER_STATUSES as [SubscriberStatus, ...SubscriberStatus[]])),
    topic: optional(z.string().refine((t) => topics.has(t), `must be one of ${reference.topics.join(', ')}`)),
    cursor: optional(z.string().max(300)),
    limit: optional(z.coerce.number().int().min(1).max(200)),
  });
});
export type SubscriberQuery = z.infer<ReturnType<typeof subscriberQuerySchema>>;

/** Whether a subscriber is one the filters ask for: the address or name holding `q` (any case), and each field equal. */
function matcher(query: Omit<SubscriberQuery, 'cursor' | 'limit'>) {
  const q = query.q?.toLowerCase();
  return (s: SubscriberRecord) =>
    (!q || s.email.toLowerCase().includes(q) || (s.name?.toLowerCase().includes(q) ?? false)) &&
    (!query.country || s.country === query.country) &&
    (!query.language || s.language === query.language) &&
    (!query.region || s.region === query.region) &&
    (!query.status || s.status === query.status) &&
    (!query.topic || (s.topics ?? []).includes(query.topic));
}

/** What the list reads of each subscriber: what it filters on and shows (not the consent record, the history). */
const LISTED = [
  'email',
  'name',
  'status',
  'language',
  'country',
  'region',
  'topics',
  'createdAt',
  'confirmedAt',
] as const;
export type ListedField = (typeof LISTED)[number];

/** A subscriber as the list shows them. */
const listRow = (s: SubscriberRecord) => ({
  id: s.id,
  email: s.email,
  ...(s.name && { name: s.name }),
  status: s.status,
  language: s.language,
  country: s.country,
  region: s.region,
  topics: s.topics ?? [],
  createdAt: s.createdAt,
  ...(s.confirmedAt && { confirmedAt: s.confirmedAt }),
});

/**
 * One pass over the table: how many subscribers match the filters (`total`) and per status (matching every filter
 * but the status), and up to `limit` matches after the cursor's subscriber, which the scan meets on its way (it
 * reads in the same order each time). When that subscriber went meanwhile (erased), the page is read from its key.
 */
async function listPass(listing: SubscriberListing, query: SubscriberQuery, limit: number) {
  const { status, cursor, limit: _limit, ...others } = query;
  const after = cursor ? decodeCursor(cursor) : undefined;
  const matchesOthers = matcher(others);
  const byStatus = Object.fromEntries(SUBSCRIBER_STATUSES.map((s) => [s, 0])) as Record<SubscriberStatus, number>;
  const found: SubscriberRecord[] = [];
  let collecting = after === undefined;
  for await (const page of listing.scan({ fields: LISTED })) {
    for (const subscriber of page) {
      if (matchesOthers(subscriber)) {
        byStatus[subscriber.status] += 1;
        if (collecting && (!status || subscriber.status === status) && found.length <= limit) found.push(subscriber);
      }
      if (subscriber.id === after) collecting = true;
    }
  }
  const total = status ? byStatus[status] : Object.values(byStatus).reduce((a, b) => a + b, 0);
  const matches = collecting ? found : await pageAfter(listing, matcher(query), after!, limit);
  const items = matches.slice(0, limit);
  return { items, total, byStatus, ...(matches.length > limit && { nextCursor: encodeCursor(items.at(-1)!.id) }) };
}

/** Up to `limit` + 1 matches after the subscriber `after`, read from there on. */
async function pageAfter(
  listing: SubscriberListing,
  matches: (s: SubscriberRecord) => boolean,
  after: string,
  limit: number,
) {
  const found: SubscriberRecord[] = [];
  for await (const page of listing.scan({ after, fields: LISTED })) {
    for (const subscriber of page) {
      if (matches(subscriber)) found.push(subscriber);
      if (found.length > limit) return found;
    }
  }
  return found;
}

/**
 * A page of the subscribers matching the query, in the table's order, with how many match in all and per status.
 * Memory holds a page of the scan at a time, whatever the list's size.
 */
export async function listSubscribers(deps: Pick<SubscriberAdminDeps, 'listing' | 'reference'>, rawQuery: unknown) {
  const query = validate(subscriberQuerySchema(deps.reference), rawQuery);
  const { items, nextCursor, total, byStatus } = await listPass(deps.listing, query, query.limit ?? LIST_PAGE_SIZE);
  return { subscribers: items.map(listRow), ...(nextCursor && { nextCursor }), total, byStatus };
}

async function existing(deps: Pick<SubscriberDeps, 'subscribers'>, id: string) {
  const subscriber = ID_PATTERN.test(id) ? await deps.subscribers.get(id) : undefined;
  if (!subscriber) throw new NotFoundError(`subscriber ${id}`);
  return subscriber;
}

const adminView = ({ version: _version, ...subscriber }: SubscriberRecord) => subscriber;

/** A subscriber's page: everything stored about them (the consent record among it) and each issue sent to them. */
export async function subscriberDetail(deps: SubscriberDeps, id: string) {
  const subscriber = await existing(deps, id);
  const issues = await deps.issues.list();
  const records = await Promise.all(issues.map((issue) => deps.deliveries.get(issue.id, id)));
  const deliveries = issues.flatMap((issue, i) => {
    const record = records[i];
    if (!record) return [];
    const { subscriberId: _s, messageId: _m, ...delivery } = record;
    return [{ ...delivery, title: issue.title }];
  });
  return { subscriber: adminView(subscriber), deliveries };
}

/** Unsubscribes for the subscriber (they asked by other means): the same one write that wins over any other change. */
export async function unsubscribeByAdmin(deps: SubscriberDeps, id: string) {
  await existing(deps, id);
  const now = deps.clock.now();
  const result = await deps.subscribers.end(id, {
    status: 'unsubscribed',
    fields: { unsubscribedAt: now.toISOString(), unsubscribeSource: 'admin' },
    unless: ['unsubscribed', 'suppressed'],
  });
  if (!result) throw new NotFoundError(`subscriber ${id}`);
  if (result.changed) await deps.growth.add(growthOfChange(result.previous, result.subscriber, now));
  return adminView(result.subscriber);
}

export async function suppressByAdmin(deps: SubscriberDeps, id: string) {
  await existing(deps, id);
  const result = await suppress(deps, id, 'admin');
  if (!result) throw new NotFoundError(`subscriber ${id}`);
  return adminView(result.subscriber);
}

/** Erases as the subscriber's own erasure does: no personal data left, their links dead. */
export async function eraseByAdmin(deps: SubscriberDeps, id: string): Promise<void> {
  await eraseSubscriber(deps, await existing(deps, id));
}

/**
 * Mails the confirmation link again: to a pending signup, or for the change a confirmed or unsubscribed subscriber's
 * later signup holds (in that signup's language). A suppressed address gets nothing.
 */
export async function resendConfirmation(deps: SubscriberDeps, id: string) {
  const subscriber = await existing(deps, id);
  const held = subscriber.pendingChange;
  if (subscriber.status === 'suppressed' || (subscriber.status !== 'pending' && !held)) {
    throw new ConflictError(`status: a ${subscriber.status} subscriber has no signup waiting for confirmation`, {
      field: 'status',
    });
  }
  const language = subscriber.status === 'pending' ? subscriber.language : held!.language;
  await sendConfirmation(deps, { id, email: subscriber.email, language });
  return { sentTo: subscriber.email, language };
}

/** The export's columns: the field, and its header for people. */
export const EXPORT_COLUMNS: readonly [string, string][] = [
  ['email', 'Email'],
  ['name', 'Name'],
  ['status', 'Status'],
  ['language', 'Language'],
  ['country', 'Country'],
  ['region', 'Region'],
  ['topics', 'Topics'],
  ['createdAt', 'Signed up'],
  ['confirmedAt', 'Confirmed'],
  ['unsubscribedAt', 'Unsubscribed'],
  ['suppressedAt', 'Suppressed'],
  ['suppressionReason', 'Suppression reason'],
  ['consentSource', 'Consent source'],
  ['consentAt', 'Consent given'],
  ['consentTextVersion', 'Consent text version'],
];

const exportRow = (s: SubscriberRecord): Record<string, unknown> => ({
  ...s,
  topics: (s.topics ?? []).join(' '),
  consentSource: s.consent?.form,
  consentAt: s.consent?.at,
  consentTextVersion: s.consent?.textVersion,
});

/**
 * A page of the CSV export of the subscribers matching the query: the first page opens with the byte-order mark and
 * the headers, the next ones (`cursor`) carry rows only, so the pages in order make one file. A page stops after
 * about `maxBytes`.
 */
export async function exportSubscribers(
  deps: Pick<SubscriberAdminDeps, 'listing' | 'reference'>,
  rawQuery: unknown,
  maxBytes = EXPORT_PAGE_BYTES,
): Promise<{ csv: string; nextCursor?: string }> {
  const { limit: _limit, ...query } = validate(subscriberQuerySchema(deps.reference), rawQuery);
  const matches = matcher(query);
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  const lines = after ? [] : [BYTE_ORDER_MARK + csvLine(EXPORT_COLUMNS.map(([, header]) => header))];
  let bytes = 0;
  for await (const page of deps.listing.scan({ ...(after && { after }) })) {
    for (const subscriber of page) {
      if (!matches(subscriber)) continue;
      const row = exportRow(subscriber);
      const line = EXPORT_COLUMNS.map(([field]) => csvCell(row[field])).join(',');
      lines.push(line);
      bytes += Buffer.byteLength(line) + 2;
      if (bytes >= maxBytes) return { csv: lines.join('\r\n') + '\r\n', nextCursor: encodeCursor(subscriber.id) };
    }
  }
  return { csv: lines.length > 0 ? lines.join('\r\n') + '\r\n' : '' };
}
