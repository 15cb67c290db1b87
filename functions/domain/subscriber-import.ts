// Subscriber import from CSV: the columns found by header name (or an explicit mapping), every row checked as signup
// checks its form (the same address rules, the profile's reference data), then, unless it is a dry run, each new
// address created only if absent (a conditional write per row), never over an existing, unsubscribed, suppressed or
// erased one. "Consented elsewhere" creates confirmed subscribers with the consent record the file gives; "ask to
// confirm" creates pending ones and mails each the signup's confirmation email, paced like every send.
import * as z from 'zod';
import { ValidationError } from './errors.ts';
import { mergeTally, tallyChange, type AudienceTallies, type TallyIncrement } from './audience.ts';
import { growthOfChange, mergeGrowth, type GrowthCounters, type GrowthIncrement } from './growth.ts';
import type { Clock, QuotaSource, SendPacer } from './ports.ts';
import { OTHER_REGION, perReference, type Country, type Language, type Reference } from './reference.ts';
import {
  checkRegion,
  subscriberEmailSchema,
  erasureKey,
  sendConfirmation,
  subscriberIdFor,
  type ErasureMarks,
  type SubscriberDeps,
  type SubscriberRecord,
  type SubscriberRepository,
  type SubscriberStatus,
} from './subscribers.ts';
import { singleLine } from './text-rules.ts';

export const IMPORT_MODES = ['consented', 'confirm'] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];

/** The columns an import reads, by their header names. */
export const IMPORT_FIELDS = [
  'email',
  'name',
  'language',
  'country',
  'region',
  'topics',
  'consent_date',
  'consent_source',
  'consent_proof',
  'tracking',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

/** Rows shown as mapped before anything is written. */
export const PREVIEW_ROWS = 10;
/** Errors and skipped rows listed in a report at most; the counts are always complete. */
export const MAX_LISTED = 1000;
/** Rows looked up together: one read of their states (in a dry run, and before mailing). */
export const WRITE_CHUNK = 100;
/** Conditional writes at once: measured with the import bench (more only queue up in DynamoDB's client). */
export const WRITE_CONCURRENCY = 24;
/**
 * The growth counters and the audience tallies are written once per this many imported subscribers (summed per
 * segment), not once each.
 */
const COUNTS_EVERY = 2000;
/**
 * The seconds of one request that confirmation emails may take: each goes out at the SES account's rate (the send
 * pacer), and API Gateway ends a request at 30 s. A larger re-permission campaign is split into files.
 */
export const CONFIRM_SECONDS = 20;

/** A record as the CSV parser gives it: its first line in the file (the header is line 1) and its cells. */
export type CsvRecord = { line: number; cells: string[] } | { line: number; error: string };

export interface RowError {
  line: number;
  field: string;
  message: string;
}

export type SkipReason = 'duplicate' | 'subscribed' | 'pending' | 'unsubscribed' | 'suppressed' | 'erased';
export interface Skipped {
  line: number;
  reason: SkipReason;
  message: string;
}

export interface ImportReport {
  mode: ImportMode;
  dryRun: boolean;
  /** Each field's column header in the file (null: not in the file; the file-wide value or none is used). */
  columns: Record<ImportField, string | null>;
  /** Data rows read (the header not counted). */
  rows: number;
  /** Subscribers created (in a dry run: that would be). */
  imported: number;
  /** Confirmation emails sent (mode `confirm`). */
  mailed: number;
  skipped: Skipped[];
  skippedCount: number;
  errors: RowError[];
  errorCount: number;
  /** The first rows as the columns map them (the cells as given). */
  preview: ({ line: number } & Partial<Record<ImportField, string>>)[];
}

const flag = z.enum(['true', 'false', '1', '0', '']).transform((v) => v === 'true' || v === '1');
const day = z.iso.date('must be a date like 2025-03-14');

/** The query of `POST /api/subscribers/import`: the mode, a dry run, values for the whole file, a column mapping. */
export const importOptionsSchema = z.strictObject({
  mode: z.enum(IMPORT_MODES, `must be one of ${IMPORT_MODES.join(', ')}`),
  dryRun: flag.optional(),
  source: singleLine(200).optional(),
  consentDate: day.optional(),
  proof: singleLine(500).optional(),
  language: z.string().max(80).optional(),
  country: z.string().max(80).optional(),
  ...Object.fromEntries(IMPORT_FIELDS.map((f) => [`map.${f}`, singleLine(200).optional()])),
});

export interface ImportOptions {
  mode: ImportMode;
  dryRun: boolean;
  /** For every row that has none: where people consented, when, the proof, their language and country. */
  defaults: Partial<Record<'source' | 'consentDate' | 'proof' | 'language' | 'country', string>>;
  /** A field's column header, where it is not the field's name. */
  mapping: Partial<Record<ImportField, string>>;
}

export function importOptions(query: Record<string, string | undefined>): ImportOptions {
  const defined = Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined));
  const parsed = importOptionsSchema.safeParse(defined);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.code === 'unrecognized_keys' ? (issue.keys[0] ?? '') : issue.path.join('.');
    throw new ValidationError(field, issue.code === 'unrecognized_keys' ? 'is not an import option' : issue.message);
  }
  const { mode, dryRun, source, consentDate, proof, language, country, ...maps } = parsed.data as Record<
    string,
    string | boolean | undefined
  > & { mode: ImportMode; dryRun?: boolean };
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const defaults = Object.fromEntries(
    Object.entries({ source, consentDate, proof, language, country }).filter(([, v]) => typeof v === 'string'),
  );
  const mapping = Object.fromEntries(
    Object.entries(maps)
      .filter(([, v]) => text(v) !== undefined)
      .map(([k, v]) => [k.slice('map.'.length), v]),
  );
  return { mode, dryRun: dryRun ?? false, defaults, mapping };
}

/** What header names are compared on: case, spaces, underscores and hyphens ignored. */
export const headerKey = (header: string) =>
  header
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_-]+/g, '');

/** Other names the usual exports (Mailchimp, listmonk, spreadsheets) give a field. */
const ALIASES: Partial<Record<ImportField, string[]>> = {
  email: ['emailaddress', 'mail'],
  consent_date: ['consentedat', 'optindate', 'optintime'],
};

/** Each field's column index; the file's own problems (no email column, a mapping naming no column) throw. */
export function columnsOf(header: string[], options: ImportOptions): Map<ImportField, number> {
  const keys = header.map(headerKey);
  const columns = new Map<ImportField, number>();
  for (const field of IMPORT_FIELDS) {
    const mapped = options.mapping[field];
    if (mapped !== undefined) {
      const at = keys.indexOf(headerKey(mapped));
      if (at < 0) {
        throw new ValidationError(`map.${field}`, `names no column of the file (its columns: ${header.join(', ')})`);
      }
      columns.set(field, at);
      continue;
    }
    const names = [headerKey(field), ...(ALIASES[field] ?? [])];
    const at = keys.findIndex((k) => names.includes(k));
    if (at >= 0) columns.set(field, at);
  }
  for (const field of ['email', 'language', 'country'] as const) {
    if (columns.has(field) || (field !== 'email' && options.defaults[field])) continue;
    throw new ValidationError(
      field,
      `the file has no "${field}" column (its columns: ${header.join(', ') || 'none'}); ` +
        `name a column ${field}, or map one with map.${field}=` +
        (field === 'email' ? '' : `, or give ${field}= for the whole file`),
    );
  }
  return columns;
}

/** Names and codes the profile's reference data is known by, lower-cased: codes, English and native names, labels. */
const lookups = perReference((reference: Reference) => {
  const lower = (s: string) => s.normalize('NFKC').trim().toLowerCase();
  const languages = new Map<string, Language>();
  for (const code of reference.languages) {
    languages.set(lower(code), code);
    for (const inLanguage of ['en', code]) {
      const name = new Intl.DisplayNames([inLanguage], { type: 'language', fallback: 'none' }).of(code);
      if (name) languages.set(lower(name), code);
    }
  }
  const countries = new Map<string, Country>();
  const regions = new Map<Country, Map<string, string>>();
  for (const code of reference.countryCodes) {
    countries.set(lower(code), code);
    for (const language of new Set(['en', ...reference.languages])) {
      countries.set(lower(reference.countryName(code, language)), code);
    }
    const names = new Map<string, string>();
    for (const region of reference.regionsOf(code)) {
      names.set(lower(region), region);
      for (const language of reference.languages) {
        names.set(lower(reference.regionLabel(code, region, language)), region);
      }
    }
    regions.set(code, names);
  }
  const topics = new Map<string, string>();
  for (const topic of reference.profile.topics) {
    topics.set(lower(topic.id), topic.id);
    for (const label of Object.values(topic.label)) if (label) topics.set(lower(label), topic.id);
  }
  return { lower, languages, countries, regions, topics };
});

const YES = new Set(['yes', 'y', 'true', '1']);
const NO = new Set(['no', 'n', 'false', '0', '']);
const nameSchema = singleLine(120, 0);
const consentDateSchema = z.union([day, z.iso.datetime({ offset: true })]);
const textSchemas = { consent_source: singleLine(200, 0), consent_proof: singleLine(500, 0) };

/** A row that passed its checks: the subscriber it makes, before the write decides whether it is new. */
export interface Candidate {
  line: number;
  record: SubscriberRecord;
}

export interface RowContext {
  reference: Reference;
  options: ImportOptions;
  columns: Map<ImportField, number>;
  now: Date;
  importedBy: string;
  /** The consent text's version a confirmation email asks for, per language (mode `confirm`). */
  textVersion(language: Language): string;
}

/** A row's cells by field, trimmed (absent columns are undefined). */
function cellsOf(columns: Map<ImportField, number>, cells: string[]) {
  const value = (field: ImportField) => {
    const at = columns.get(field);
    return at === undefined ? undefined : (cells[at] ?? '').trim();
  };
  return Object.fromEntries(IMPORT_FIELDS.map((f) => [f, value(f)])) as Record<ImportField, string | undefined>;
}

/** Checks one row: the subscriber it makes, or every error it has (each naming its line and field). */
export function checkRow(ctx: RowContext, line: number, cells: string[]): Candidate | RowError[] {
  const { reference, options } = ctx;
  const { lower, languages, countries, regions, topics } = lookups(reference);
  const cell = cellsOf(ctx.columns, cells);
  const errors: RowError[] = [];
  const fail = (field: ImportField, message: string) => void errors.push({ line, field, message });
  const orDefault = (value: string | undefined, fallback: string | undefined) => (value ? value : fallback);

  const email = subscriberEmailSchema.safeParse(cell.email ?? '');
  if (!email.success) fail('email', email.error.issues[0]?.message ?? 'is not an email address');
  const name = nameSchema.safeParse(cell.name ?? '');
  if (!name.success) fail('name', name.error.issues[0]?.message ?? 'is not a name');

  const languageCell = orDefault(cell.language, options.defaults.language);
  const language = languageCell ? languages.get(lower(languageCell)) : undefined;
  if (!language) fail('language', `must be one of ${reference.languages.join(', ')} (a code or a name)`);
  const countryCell = orDefault(cell.country, options.defaults.country);
  const country = countryCell ? countries.get(lower(countryCell)) : undefined;
  if (!country) fail('country', `must be one of ${reference.countryCodes.join(', ')} (a code or a name)`);
  let region: string = OTHER_REGION;
  if (country && cell.region) {
    const found = regions.get(country)?.get(lower(cell.region));
    try {
      region = checkRegion(reference, country, found ?? cell.region);
    } catch (error) {
      fail('region', (error as ValidationError).message.replace(/^region: /, ''));
    }
  }
  const chosen: string[] = [];
  for (const part of (cell.topics ?? '').split(/[;|,]/)) {
    if (!part.trim()) continue;
    const topic = topics.get(lower(part));
    if (topic) chosen.push(topic);
    else fail('topics', `"${part.trim()}" is none of ${reference.topics.join(', ')}`);
  }
  let tracking = false;
  if (cell.tracking !== undefined) {
    const answer = lower(cell.tracking);
    if (YES.has(answer)) tracking = true;
    else if (!NO.has(answer)) fail('tracking', 'must be yes or no (or empty: no)');
  }

  const dateCell = orDefault(cell.consent_date, options.defaults.consentDate);
  const source = orDefault(cell.consent_source, options.defaults.source);
  const proof = orDefault(cell.consent_proof, options.defaults.proof);
  let consentAt: string | undefined;
  if (dateCell) {
    const parsed = consentDateSchema.safeParse(dateCell);
    const at = parsed.success ? new Date(parsed.data) : undefined;
    if (!at || Number.isNaN(at.getTime())) fail('consent_date', 'must be a date like 2025-03-14');
    else if (at.getTime() > ctx.now.getTime()) fail('consent_date', 'is in the future');
    else consentAt = at.toISOString();
  }
  if (options.mode === 'consented') {
    if (!dateCell)
      fail('consent_date', 'is needed when people consented elsewhere (or give consentDate= for the file)');
    if (!source) fail('consent_source', 'is needed when people consented elsewhere (or give source= for the file)');
  }
  for (const [field, value] of [
    ['consent_source', source],
    ['consent_proof', proof],
  ] as const) {
    if (value === undefined) continue;
    const checked = textSchemas[field].safeParse(value);
    if (!checked.success) fail(field, checked.error.issues[0]?.message ?? 'is not one line of text');
  }
  if (errors.length > 0 || !email.success || !language || !country) return errors;

  const now = ctx.now.toISOString();
  const consented = options.mode === 'consented';
  const record: SubscriberRecord = {
    id: subscriberIdFor(email.data),
    email: email.data,
    ...(name.success && name.data && { name: name.data }),
    language,
    country,
    region,
    topics: [...new Set(chosen)],
    tracking,
    status: consented ? 'confirmed' : 'pending',
    createdAt: now,
    ...(consented && { confirmedAt: now }),
    consent: {
      at: consented ? consentAt! : now,
      form: 'import',
      language,
      // Consent given elsewhere was given to another text; a confirmation email asks with Herald's.
      textVersion: consented ? 'external' : ctx.textVersion(language),
      ...(source && { source }),
      ...(proof && { proof }),
      importedBy: ctx.importedBy,
      importedAt: now,
    },
  };
  return { line, record };
}

/**
 * The request body as text: UTF-8 only (a byte-order mark is dropped). Bytes that are not UTF-8 (a file saved as
 * Windows-1252 or UTF-16) are refused with the line they were found on, before anything is read.
 */
export function csvText(body: string | Uint8Array): string {
  const notUtf8 = (where: string) =>
    new ValidationError(
      'body',
      `the file is not UTF-8 (${where}); save it as "CSV UTF-8" (Excel) or with the UTF-8 encoding, then import again`,
    );
  if (typeof body !== 'string') {
    if ((body[0] === 0xff && body[1] === 0xfe) || (body[0] === 0xfe && body[1] === 0xff)) throw notUtf8('it is UTF-16');
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch {
      const text = new TextDecoder('utf-8').decode(body);
      throw notUtf8(`line ${lineOf(text, text.indexOf('\ufffd'))}`);
    }
  }
  // A text body was decoded on its way in: a byte that was not UTF-8 became U+FFFD.
  const at = body.indexOf('\ufffd');
  if (at >= 0) throw notUtf8(`line ${lineOf(body, at)}`);
  return body.startsWith('\ufeff') ? body.slice(1) : body;
}

const lineOf = (text: string, index: number) => text.slice(0, Math.max(0, index)).split('\n').length;

/** Reads CSV text as records (csv-parse, streamed, in the adapter). */
export type CsvReader = (text: string) => AsyncIterable<CsvRecord>;

export interface ImportDeps extends Pick<SubscriberDeps, 'tokens' | 'messages' | 'mailer' | 'clock' | 'publicUrl'> {
  subscribers: Pick<SubscriberRepository, 'create' | 'statuses' | 'delete'>;
  erasures: Pick<ErasureMarks, 'all'>;
  growth: Pick<GrowthCounters, 'add'>;
  tallies: Pick<AudienceTallies, 'add'>;
  pacer: SendPacer;
  quota: QuotaSource;
  reference: Reference;
  clock: Clock;
  csvRecords: CsvReader;
}

const SKIP_MESSAGES: Record<SkipReason, string> = {
  duplicate: 'the same address is on an earlier line',
  subscribed: 'already a confirmed subscriber (nothing changed)',
  pending: 'already signed up and waiting for confirmation (nothing changed, no email sent)',
  unsubscribed: 'unsubscribed: an import never subscribes them again',
  suppressed: 'suppressed (a bounce, a complaint or a suppression list): an import never brings them back',
  erased: 'erased at their request: an import never brings them back',
};
const skipOf: Record<SubscriberStatus, SkipReason> = {
  confirmed: 'subscribed',
  pending: 'pending',
  unsubscribed: 'unsubscribed',
  suppressed: 'suppressed',
};

/**
 * Imports the records of a CSV file's text (the first record is the header). File-wide problems (no email column, a mapping that
 * names no column, a confirmation campaign larger than one request can mail) throw before anything is written; a
 * row's problems are reported with its line and field, and the good rows are imported.
 */
export async function importSubscribers(
  deps: ImportDeps,
  csv: string,
  options: ImportOptions,
  importedBy: string,
): Promise<ImportReport> {
  const report: ImportReport = {
    mode: options.mode,
    dryRun: options.dryRun,
    columns: Object.fromEntries(IMPORT_FIELDS.map((f) => [f, null])) as ImportReport['columns'],
    rows: 0,
    imported: 0,
    mailed: 0,
    skipped: [],
    skippedCount: 0,
    errors: [],
    errorCount: 0,
    preview: [],
  };
  const addError = (error: RowError) => {
    report.errorCount += 1;
    if (report.errors.length < MAX_LISTED) report.errors.push(error);
  };
  const skip = (line: number, reason: SkipReason) => {
    report.skippedCount += 1;
    if (report.skipped.length < MAX_LISTED) report.skipped.push({ line, reason, message: SKIP_MESSAGES[reason] });
  };
  const now = deps.clock.now();
  const growth = new Map<string, GrowthIncrement>();
  const tallies = new Map<string, TallyIncrement>();
  let uncounted = 0;
  const flushCounts = async () => {
    const increments = [...growth.values()];
    const tallied = [...tallies.values()];
    growth.clear();
    tallies.clear();
    uncounted = 0;
    if (increments.length > 0) await deps.growth.add(increments);
    if (tallied.length > 0) await deps.tallies.add(tallied);
  };
  const count = async (created: SubscriberRecord) => {
    for (const t of tallyChange(undefined, created)) mergeTally(tallies, t);
    if (created.status === 'confirmed') mergeGrowth(growth, growthOfChange(undefined, created, now));
    uncounted += 1;
    if (uncounted >= COUNTS_EVERY) await flushCounts();
  };

  const erased = await deps.erasures.all();
  /** The imported subscribers' ids by erasure mark: one erased while the import ran is taken out again at its end. */
  const importedMarks = new Map<string, string>();
  /** Of the chunk, the rows whose address is erased, skipped; the others. */
  const notErased = (chunk: Candidate[]) => {
    if (erased.size === 0) return chunk;
    return chunk.filter((c) => {
      if (!erased.has(erasureKey(deps.tokens, c.record.email))) return true;
      skip(c.line, 'erased');
      return false;
    });
  };
  /** The chunk's rows not yet known and not erased (one read of their states); the others skipped, with why. */
  const fresh = async (chunk: Candidate[]) => {
    const statuses = await deps.subscribers.statuses(chunk.map((c) => c.record.id));
    return notErased(
      chunk.filter((c) => {
        const status = statuses.get(c.record.id);
        if (status) skip(c.line, skipOf[status]);
        return !status;
      }),
    );
  };
  /**
   * Creates the subscriber only if absent: a conditional write, so a signup, an unsubscribe or a suppression that
   * landed meanwhile stays as it is (BatchWriteItem cannot be conditional). A row the database refuses is reported,
   * not lost: importing the file again imports it and skips the rest.
   */
  const writeOne = async (c: Candidate) => {
    try {
      if (!(await deps.subscribers.create(c.record, { untallied: true }))) {
        const status = (await deps.subscribers.statuses([c.record.id])).get(c.record.id);
        skip(c.line, status ? skipOf[status] : 'subscribed');
        return;
      }
    } catch (error) {
      addError({
        line: c.line,
        field: 'row',
        message: `not imported (${(error as Error).message}); import the file again: rows already in are skipped`,
      });
      return;
    }
    report.imported += 1;
    importedMarks.set(erasureKey(deps.tokens, c.record.email), c.record.id);
    await count(c.record);
    if (c.record.status === 'confirmed') return;
    try {
      await deps.pacer.acquire(1);
      await sendConfirmation(deps, c.record);
      report.mailed += 1;
    } catch (error) {
      addError({
        line: c.line,
        field: 'email',
        message: `imported, but the confirmation email failed (${(error as Error).message}); resend it from the subscriber's page`,
      });
    }
  };
  /** An erasure that landed after the marks were read, of someone this import then created: erased again. */
  const undoLateErasures = async () => {
    if (report.imported === 0) return;
    const late = [...(await deps.erasures.all())].filter((mark) => !erased.has(mark));
    for (const mark of late) {
      const id = importedMarks.get(mark);
      if (!id) continue;
      const removed = await deps.subscribers.delete(id);
      await deps.growth.add(growthOfChange(removed, undefined, now));
      report.imported -= 1;
      skip(seen.get(id) ?? 0, 'erased');
    }
  };
  // At most WRITE_CONCURRENCY writes at once, while the file goes on being read.
  const inFlight = new Set<Promise<void>>();
  const write = async (candidates: Candidate[]) => {
    for (const c of candidates) {
      while (inFlight.size >= WRITE_CONCURRENCY) await Promise.race(inFlight);
      const written: Promise<void> = writeOne(c).finally(() => inFlight.delete(written));
      inFlight.add(written);
    }
  };

  const ctx: Omit<RowContext, 'columns'> = {
    reference: deps.reference,
    options,
    now,
    importedBy,
    textVersion: (language) => deps.messages.consentText(language).version,
  };
  let columns: Map<ImportField, number> | undefined;
  const seen = new Map<string, number>();
  // Written as they come when people consented elsewhere; held until all are read when each is to be mailed (the
  // request must be able to mail them all) or nothing is written.
  const streaming = options.mode === 'consented' && !options.dryRun;
  let chunk: Candidate[] = [];
  const held: Candidate[] = [];
  // The confirmations one request may send: a larger campaign is refused as soon as it shows, before any write.
  const mailable = async () => {
    const { maxSendRate } = await deps.quota.quota();
    return { maxSendRate, most: Math.max(1, Math.floor(maxSendRate * CONFIRM_SECONDS)) };
  };
  const limit = options.mode === 'confirm' && !options.dryRun ? await mailable() : undefined;
  const take = async (candidates: Candidate[]) => {
    if (streaming) return write(notErased(candidates));
    const news = await fresh(candidates);
    if (options.dryRun) report.imported += news.length;
    else held.push(...news);
    if (limit && held.length > limit.most) {
      throw new ValidationError(
        'body',
        `more than ${limit.most} new addresses would each get a confirmation email; at this account's rate ` +
          `(${limit.maxSendRate}/s) one import mails at most ${limit.most}: split the file, nothing was imported`,
      );
    }
  };

  for await (const record of deps.csvRecords(csv)) {
    if (!columns) {
      if ('error' in record) throw new ValidationError('body', `the header line cannot be read: ${record.error}`);
      columns = columnsOf(record.cells, options);
      for (const [field, at] of columns) report.columns[field] = record.cells[at] ?? null;
      continue;
    }
    report.rows += 1;
    if ('error' in record) {
      addError({ line: record.line, field: 'row', message: record.error });
      continue;
    }
    if (record.cells.every((c) => c.trim() === '')) {
      report.rows -= 1; // a blank row is no row
      continue;
    }
    if (report.preview.length < PREVIEW_ROWS) {
      const cells = cellsOf(columns, record.cells);
      report.preview.push({
        line: record.line,
        ...Object.fromEntries(Object.entries(cells).filter(([, v]) => v !== undefined)),
      });
    }
    const checked = checkRow({ ...ctx, columns }, record.line, record.cells);
    if (Array.isArray(checked)) {
      checked.forEach(addError);
      continue;
    }
    const first = seen.get(checked.record.id);
    if (first !== undefined) {
      skip(checked.line, 'duplicate');
      continue;
    }
    seen.set(checked.record.id, checked.line);
    chunk.push(checked);
    if (chunk.length >= WRITE_CHUNK) {
      await take(chunk);
      chunk = [];
    }
  }
  if (!columns) throw new ValidationError('body', 'the file is empty: it needs a header line and rows');
  if (chunk.length > 0) await take(chunk);

  if (held.length > 0) {
    await write(held);
  }
  await Promise.all(inFlight);
  await flushCounts();
  await undoLateErasures();
  report.errors.sort((a, b) => a.line - b.line);
  report.skipped.sort((a, b) => a.line - b.line);
  return report;
}
