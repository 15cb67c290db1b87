// A suppression list's import (the bounces and unsubscribes of an earlier tool): addresses read with csv-parse, one
// per line or from an `email` column, each suppressed through subscribers.ts's suppression, bad lines reported.
import { parse } from 'csv-parse/sync';
import { CsvError } from 'csv-parse';
import { ConflictError, ValidationError } from './errors.ts';
import {
  addSubscriber,
  erasureKey,
  MAX_WRITE_ATTEMPTS,
  subscriberEmailSchema,
  subscriberIdFor,
  suppress,
  type SubscriberDeps,
  type SubscriberRecord,
} from './subscribers.ts';

/**
 * Addresses one suppression import takes: up to about six DynamoDB calls each (a known confirmed subscriber's
 * growth counters among them), 25 addresses at a time, end within the API's 29 seconds in AWS. A longer list is
 * refused whole (split it: importing again changes nothing), never cut off halfway without a report.
 */
export const MAX_SUPPRESSIONS = 5_000;
const WRITES_AT_ONCE = 25;

export interface SuppressionReport {
  suppressed: number;
  alreadySuppressed: number;
  errors: { line: number; field: string; message: string }[];
  /** Addresses left out: erased at their request (no record of them may come back, a suppressed one neither). */
  skipped: { line: number; reason: 'erased'; message: string }[];
}

/** Normalizes a header's name: `E-mail Address`, `EMAIL`, ` email ` all read `email`. */
const headerName = (cell: string) => cell.toLowerCase().replace(/[\s_-]+/g, '');
const EMAIL_HEADERS = new Set(['email', 'emailaddress', 'mail']);

/** The addresses of a suppression list (one per line, or an `email` column), each with its line; bad lines reported. */
function readSuppressionList(text: string) {
  if (text.includes('\uFFFD')) throw new ValidationError('body', 'is not UTF-8 text');
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      trim: true,
    }) as unknown as typeof records;
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const line = (error as CsvError & { lines?: number }).lines;
    throw new ValidationError('body', `is not CSV${line ? ` (line ${line})` : ''}: ${error.message}`);
  }
  if (records.length === 0) throw new ValidationError('body', 'holds no addresses');
  const header = records[0]!.record.map(headerName);
  const column = header.findIndex((name) => EMAIL_HEADERS.has(name));
  if (column < 0 && header.length > 1) {
    throw new ValidationError('email', 'the first line names no email column (or give one address per line)');
  }
  const rows = column < 0 ? records : records.slice(1);
  if (rows.length > MAX_SUPPRESSIONS) {
    throw new ValidationError('body', `holds ${rows.length} addresses; at most ${MAX_SUPPRESSIONS} per import`);
  }
  const addresses: { line: number; email: string }[] = [];
  const errors: SuppressionReport['errors'] = [];
  let end = column < 0 ? 0 : records[0]!.info.lines;
  for (const { record, info } of rows) {
    // A record ends on `info.lines`; it starts on the line after the last record's end (or a skipped empty line).
    const line = end + 1 + Math.max(0, info.lines - end - 1 - (record.join(',').match(/\n/g)?.length ?? 0));
    end = info.lines;
    const parsed = subscriberEmailSchema.safeParse(record[Math.max(column, 0)] ?? '');
    if (parsed.success) addresses.push({ line, email: parsed.data });
    else errors.push({ line, field: 'email', message: parsed.error.issues[0]?.message ?? 'is not an email address' });
  }
  return { addresses, errors };
}

/** An address known only from a suppression list: stored so that it gets no mail, and a signup changes nothing. */
const suppressedOnly = (email: string, at: string): SubscriberRecord => ({
  id: subscriberIdFor(email),
  email,
  status: 'suppressed',
  suppressedAt: at,
  suppressionReason: 'import',
  language: '',
  country: '',
  region: '',
  topics: [],
  createdAt: at,
  consent: { at, form: 'suppression-import', language: '', textVersion: '', ip: '' },
});

/**
 * Suppresses one address: a record of the address alone when it is unknown (one write, the common case of an old
 * tool's bounces), else its subscriber.
 */
async function suppressAddress(deps: SubscriberDeps, email: string): Promise<'suppressed' | 'already'> {
  const id = subscriberIdFor(email);
  for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt += 1) {
    if (await addSubscriber(deps, suppressedOnly(email, deps.clock.now().toISOString()))) return 'suppressed';
    const result = await suppress(deps, id, 'import');
    if (result) return result.changed ? 'suppressed' : 'already';
  }
  throw new ConflictError(`subscriber ${id} kept changing; try again`);
}

/**
 * Imports a suppression list (the bounces and unsubscribes of an earlier tool): every good address is suppressed,
 * known or not; each line that is not an address comes back with its line number. Running it twice changes nothing.
 */
export async function importSuppressions(deps: SubscriberDeps, text: string): Promise<SuppressionReport> {
  const { addresses, errors } = readSuppressionList(text);
  const report: SuppressionReport = { suppressed: 0, alreadySuppressed: 0, errors, skipped: [] };
  const erased = await deps.erasures.all();
  const kept = addresses.filter(({ email, line }) => {
    if (!erased.has(erasureKey(deps.tokens, email))) return true;
    report.skipped.push({
      line,
      reason: 'erased',
      message: 'erased at their request: an import never brings them back',
    });
    return false;
  });
  for (let i = 0; i < kept.length; i += WRITES_AT_ONCE) {
    const chunk = kept.slice(i, i + WRITES_AT_ONCE);
    const outcomes = await Promise.allSettled(chunk.map(({ email }) => suppressAddress(deps, email)));
    outcomes.forEach((outcome, k) => {
      if (outcome.status === 'rejected') {
        report.errors.push({ line: chunk[k]!.line, field: 'email', message: 'was not suppressed; import again' });
      } else if (outcome.value === 'suppressed') report.suppressed += 1;
      else report.alreadySuppressed += 1;
    });
  }
  report.errors.sort((a, b) => a.line - b.line);
  return report;
}
