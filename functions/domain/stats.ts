// Engagement of an issue per region, country or language, read from its counters only (the cost grows with
// segments, never with recipients), scoped to a coordinator's region; CSV for spreadsheets.
import * as z from 'zod';
import { ForbiddenError, NotFoundError, ValidationError } from './errors.ts';
import type { IssueStore, SegmentCounter, SegmentCounts, SendCounters } from './ports.ts';
import { EMPTY_COUNTS, regionKey, TIMELINE_HOURS } from './progress.ts';
import { OTHER_REGION, type Reference } from './reference.ts';
import { STARTED_STATUSES } from './records.ts';
import { validate } from './validation.ts';

export const GROUPINGS = ['region', 'country', 'language'] as const;
export type Grouping = (typeof GROUPINGS)[number];

/** Whose figures a caller may read: everything, or one region (`BG/Haskovo`). */
export type StatsScope = { all: true } | { region: string };

/** The counts a coordinator reads (repeats stay internal), with the rates. */
export type StatsRow = { key: string } & Pick<
  SegmentCounts,
  | 'recipients'
  | 'sent'
  | 'measured'
  | 'failed'
  | 'cancelled'
  | 'delivered'
  | 'bounced'
  | 'complained'
  | 'transientBounces'
  | 'uniqueOpens'
  | 'machineOpens'
  | 'uniqueClicks'
  | 'botClicks'
  | 'unsubscribed'
> & {
    /** delivered / sent; the rates are null when their denominator is 0. */
    deliveryRate: number | null;
    /** Human unique opens / measured: among the recipients who consented to measurement, the only ones tracked. */
    openRate: number | null;
    /** Human unique clicks / measured. */
    clickRate: number | null;
  };

export interface HourRow {
  hour: number;
  uniqueOpens: number;
  uniqueClicks: number;
}

export interface IssueStats {
  issueId: string;
  title: string;
  status: string;
  sentAt?: string;
  by: Grouping;
  /** The region the figures are limited to, when they are. */
  region?: string;
  rows: StatsRow[];
  total: StatsRow;
  /** First human opens and clicks per hour after sending, hours 0 to 71. */
  hours: HourRow[];
}

export const STATS_COLUMNS = [
  'key',
  'recipients',
  'sent',
  'measured',
  'failed',
  'delivered',
  'bounced',
  'complained',
  'transientBounces',
  'uniqueOpens',
  'machineOpens',
  'uniqueClicks',
  'botClicks',
  'unsubscribed',
  'deliveryRate',
  'openRate',
  'clickRate',
] as const satisfies readonly (keyof StatsRow)[];

const statsQuerySchema = z.object({
  by: z.enum(GROUPINGS, { error: 'must be one of region, country, language' }).default('region'),
  /** A region key (`BG/Haskovo`) or a partner region's name (`Haskovo`). */
  region: z.string().min(1).max(100).optional(),
});

const rate = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null);

export function statsRow(key: string, counts: SegmentCounts): StatsRow {
  const c = { ...EMPTY_COUNTS, ...counts };
  return {
    key,
    recipients: c.recipients,
    sent: c.sent,
    measured: c.measured,
    failed: c.failed,
    cancelled: c.cancelled,
    delivered: c.delivered,
    bounced: c.bounced,
    complained: c.complained,
    transientBounces: c.transientBounces,
    uniqueOpens: c.uniqueOpens,
    machineOpens: c.machineOpens,
    uniqueClicks: c.uniqueClicks,
    botClicks: c.botClicks,
    unsubscribed: c.unsubscribed,
    deliveryRate: rate(c.delivered, c.sent),
    openRate: rate(c.uniqueOpens, c.measured),
    clickRate: rate(c.uniqueClicks, c.measured),
  };
}

/** A region's counter key from a key (`BG/Haskovo`) or a partner region's name (`Haskovo`); undefined if none. */
export function resolveRegion(reference: Reference, name: string): string | undefined {
  const [country, region] = name.includes('/') ? name.split('/', 2) : [undefined, name];
  for (const code of reference.countryCodes) {
    if (country !== undefined && code !== country) continue;
    const found = reference.regionsOf(code).find((r) => r === region);
    // "other" is a region of every country: it needs its country.
    if (found && (found !== OTHER_REGION || country !== undefined)) return regionKey(code, found);
  }
  return undefined;
}

/** The region a request's figures are limited to: a coordinator's own, or the one asked for. */
export function regionOf(reference: Reference, scope: StatsScope, asked: string | undefined): string | undefined {
  const wanted = asked === undefined ? undefined : resolveRegion(reference, asked);
  if (asked !== undefined && !wanted) throw new ValidationError('region', `unknown region "${asked}"`);
  if ('all' in scope) return wanted;
  if (wanted && wanted !== scope.region) {
    throw new ForbiddenError(`region: a coordinator sees only their own region (${scope.region})`);
  }
  return scope.region;
}

const sortedRows = (counters: SegmentCounter[], keyOf: (c: SegmentCounter) => string) =>
  counters.map((c) => statsRow(keyOf(c), c)).sort((a, b) => a.key.localeCompare(b.key));

function hoursOf(counters: SegmentCounter[]): HourRow[] {
  const hours: HourRow[] = Array.from({ length: TIMELINE_HOURS }, (_, hour) => ({
    hour,
    uniqueOpens: 0,
    uniqueClicks: 0,
  }));
  for (const c of counters) {
    const row = hours[Number(c.key.slice(c.key.lastIndexOf('/') + 1))];
    if (row) {
      row.uniqueOpens += c.uniqueOpens;
      row.uniqueClicks += c.uniqueClicks;
    }
  }
  return hours;
}

export interface StatsDeps {
  issues: Pick<IssueStore, 'get' | 'list'>;
  counters: Pick<SendCounters, 'ofDimension'>;
  reference: Reference;
}

/** One issue's figures grouped by region, country or language; a handful of counter reads whatever the audience. */
export async function issueStats(
  deps: StatsDeps,
  issueId: string,
  query: unknown,
  scope: StatsScope,
): Promise<IssueStats> {
  const { by, region: asked } = validate(statsQuerySchema, query);
  const region = regionOf(deps.reference, scope, asked);
  const issue = await deps.issues.get(issueId);
  // A coordinator follows what was sent; drafts and their titles are the editors' business.
  const visible = 'all' in scope || (issue !== undefined && STARTED_STATUSES.includes(issue.status));
  if (!issue || !visible) throw new NotFoundError(`issue ${issueId}`);
  const { counters } = deps;
  const [rows, total, hours] = await Promise.all([
    region
      ? by === 'language'
        ? counters
            .ofDimension(issueId, 'regionLanguage', `${region}/`)
            .then((cs) => sortedRows(cs, (c) => c.key.slice(region.length + 1)))
        : counters.ofDimension(issueId, 'region', region).then((cs) =>
            sortedRows(
              cs.filter((c) => c.key === region),
              (c) => (by === 'country' ? c.key.split('/')[0]! : c.key),
            ),
          )
      : counters.ofDimension(issueId, by).then((cs) => sortedRows(cs, (c) => c.key)),
    region
      ? counters.ofDimension(issueId, 'region', region).then((cs) => cs.find((c) => c.key === region))
      : counters.ofDimension(issueId, 'total').then((cs) => cs[0]),
    counters.ofDimension(issueId, 'hour', `${region ?? 'all'}/`).then(hoursOf),
  ]);
  return {
    issueId,
    title: issue.title,
    status: issue.status,
    ...(issue.sentAt && { sentAt: issue.sentAt }),
    by,
    ...(region && { region }),
    rows,
    total: statsRow('total', total ?? { ...EMPTY_COUNTS }),
    hours,
  };
}

export interface IssueComparisonRow extends StatsRow {
  title: string;
  status: string;
  sentAt?: string;
}

/** Every issue that went out, with its totals (or the scope's region's), newest first. */
export async function compareIssues(
  deps: StatsDeps,
  query: unknown,
  scope: StatsScope,
): Promise<{ region?: string; issues: IssueComparisonRow[] }> {
  const { region: asked } = validate(statsQuerySchema.pick({ region: true }), query);
  const region = regionOf(deps.reference, scope, asked);
  const sent = (await deps.issues.list()).filter((i) => STARTED_STATUSES.includes(i.status));
  const rows = await Promise.all(
    sent.map(async (issue) => {
      const counters = region
        ? (await deps.counters.ofDimension(issue.id, 'region', region)).filter((c) => c.key === region)
        : await deps.counters.ofDimension(issue.id, 'total');
      return {
        ...statsRow(issue.id, counters[0] ?? { ...EMPTY_COUNTS }),
        title: issue.title,
        status: issue.status,
        ...(issue.sentAt && { sentAt: issue.sentAt }),
      };
    }),
  );
  return { ...(region && { region }), issues: rows };
}

/** A coordinator's scope from their region claim; undefined when the claim names no known region. */
export function coordinatorScope(reference: Reference, regionClaim: string | undefined): StatsScope | undefined {
  const region = regionClaim === undefined ? undefined : resolveRegion(reference, regionClaim);
  return region ? { region } : undefined;
}
