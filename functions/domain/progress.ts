// What a send counts and when it is complete: the segments a recipient is counted in, the increments of each
// outcome, the totals its progress shows, its completion, and the recount from its delivery records that resets
// the counters after a restart and reconciles counters left short at its end. Behind the SendCounters port.
import type {
  BatchQueue,
  Clock,
  CountName,
  DeliveryClaims,
  DeliveryRecord,
  DeliveryRecords,
  Dimension,
  Increment,
  IssueStore,
  PeopleSketch,
  PeopleSketches,
  Recipient,
  SegmentCounter,
  SegmentCounts,
  SegmentJob,
  SendBatch,
  SendCheck,
  SendCounters,
} from './ports.ts';
import { SketchTally } from './people.ts';
import { STARTED_STATUSES } from './records.ts';

// Segments and increments.

/** The region's key in counters: regions are named per country (`BG/Haskovo`, `BG/other`). */
export const regionKey = (country: string, region: string) => `${country}/${region}`;
/** A (country, language) segment's key in counters and plans: `BG/bg`, the unit the audience is read and sent in. */
export const segmentKey = (country: string, language: string) => `${country}/${language}`;

export interface Segment {
  dimension: Dimension;
  key: string;
}

/** The counters a recipient is counted in: the total, each country, language, region, and their combinations. */
export function segmentsOf(country: string, language: string, region: string): Segment[] {
  return [
    { dimension: 'total', key: 'all' },
    { dimension: 'country', key: country },
    { dimension: 'language', key: language },
    { dimension: 'region', key: regionKey(country, region) },
    { dimension: 'segment', key: segmentKey(country, language) },
    { dimension: 'regionLanguage', key: `${country}/${region}/${language}` },
  ];
}

/** Increments to the same counter summed into one, so a batch costs one write per counter it touches. */
export function mergeIncrements(increments: readonly Increment[]): Increment[] {
  const merged = new Map<string, Increment>();
  for (const { dimension, key, counts } of increments) {
    const id = `${dimension}#${key}`;
    const into = merged.get(id) ?? { dimension, key, counts: {} };
    for (const [name, n] of Object.entries(counts) as [CountName, number][]) {
      into.counts[name] = (into.counts[name] ?? 0) + n;
    }
    merged.set(id, into);
  }
  return [...merged.values()];
}

/** Hours after sending that the timeline counts first opens and clicks in. */
export const TIMELINE_HOURS = 72;
const hourKey = (hour: number) => String(hour).padStart(2, '0');

/** Counter increments of one recipient's first open or click in the issue's timeline: the total's and the region's. */
export function hourIncrements(
  country: string,
  region: string,
  hour: number,
  name: 'uniqueOpens' | 'uniqueClicks',
): Increment[] {
  if (hour < 0 || hour >= TIMELINE_HOURS) return [];
  return ['all', regionKey(country, region)].map((scope) => ({
    dimension: 'hour' as const,
    key: `${scope}/${hourKey(hour)}`,
    counts: { [name]: 1 },
  }));
}

/** Counter increments for recipients of one (country, language): `name` once per recipient, per segment. */
export function countIncrements(
  country: string,
  language: string,
  regions: readonly string[],
  name: CountName,
): Increment[] {
  const perRegion = new Map<string, number>();
  for (const region of regions) perRegion.set(region, (perRegion.get(region) ?? 0) + 1);
  return regionIncrements(country, language, perRegion, name);
}

/** The same from a count per region. */
export function regionIncrements(
  country: string,
  language: string,
  perRegion: ReadonlyMap<string, number>,
  name: CountName,
): Increment[] {
  const totals = new Map<string, Segment & { n: number }>();
  for (const [region, n] of perRegion) {
    for (const segment of segmentsOf(country, language, region)) {
      const id = `${segment.dimension}#${segment.key}`;
      const found = totals.get(id) ?? { ...segment, n: 0 };
      found.n += n;
      totals.set(id, found);
    }
  }
  return [...totals.values()].map(({ dimension, key, n }) => ({ dimension, key, counts: { [name]: n } }));
}

// The totals a send's progress shows.

export const EMPTY_COUNTS: SegmentCounts = {
  recipients: 0,
  sent: 0,
  measured: 0,
  failed: 0,
  skipped: 0,
  cancelled: 0,
  delivered: 0,
  bounced: 0,
  complained: 0,
  transientBounces: 0,
  uniqueOpens: 0,
  machineOpens: 0,
  repeatOpens: 0,
  uniqueClicks: 0,
  botClicks: 0,
  repeatClicks: 0,
  unsubscribed: 0,
};

export type ProgressRow = SegmentCounts & { key: string };
export interface Progress {
  total: SegmentCounts & { pending: number };
  byCountry: ProgressRow[];
  byLanguage: ProgressRow[];
  byRegion: ProgressRow[];
  /** Per (country, language): `BG/bg`, the unit the audience is read and sent in. */
  bySegment: ProgressRow[];
}

export function summarizeProgress(counters: SegmentCounter[]): Progress {
  const rows = (dimension: SegmentCounter['dimension']): ProgressRow[] =>
    counters
      .filter((c) => c.dimension === dimension)
      .map(({ dimension: _dimension, ...row }) => row)
      .sort((a, b) => a.key.localeCompare(b.key));
  const { key: _key, ...total } = rows('total')[0] ?? { key: 'all', ...EMPTY_COUNTS };
  return {
    total: { ...total, pending: total.recipients - handledOf(total) },
    byCountry: rows('country'),
    byLanguage: rows('language'),
    byRegion: rows('region'),
    bySegment: rows('segment'),
  };
}

// Completion: a send is complete once its whole audience is enqueued and every recipient has an outcome.

/** Recipients with a final outcome: sent, failed, skipped or cancelled. */
export const handledOf = (c: Pick<SegmentCounts, 'sent' | 'failed' | 'skipped' | 'cancelled'>) =>
  c.sent + c.failed + c.skipped + c.cancelled;

export interface ProgressDeps {
  issues: Pick<IssueStore, 'transition'>;
  counters: SendCounters;
  clock: Clock;
}

/** The end check waits a claim timeout: by then no sender that was at work can still be counting. */
export interface EndCheckPolicy {
  /** A claim older than this has no sender left: the longest a delivery attempt runs (the Sender's timeout). */
  claimTimeoutMs: number;
}

/**
 * Marks a send complete once every segment is enqueued and the counters give every recipient a final outcome.
 * Counters left short (a sender stopped between recording and counting) are reconciled by the end check.
 */
export async function finishIfComplete(deps: ProgressDeps, issueId: string) {
  const total = await deps.counters.readTotal(issueId);
  const complete = total.audienceComplete && handledOf(total) >= total.recipients;
  // Only a running send ends `sent`: a paused one ends when it is resumed, a cancelled one stays cancelled.
  if (complete) {
    await deps.issues.transition(issueId, 'sending', 'sent', { sentAt: deps.clock.now().toISOString() });
  }
  return { ...total, complete };
}

/** Records the (country, language) segments a send reads; with none, the send is complete at once. */
export async function planSegments(
  deps: ProgressDeps,
  issueId: string,
  segments: Pick<SegmentJob, 'country' | 'language'>[],
) {
  await deps.counters.planSegments(
    issueId,
    segments.map((s) => segmentKey(s.country, s.language)),
  );
  await finishIfComplete(deps, issueId);
}

/**
 * Counts a segment whose audience is all on the send queue: the total and the mark change in one atomic write,
 * so the send cannot look complete before it is counted, and a fan-out run twice counts once. Once the whole
 * audience is enqueued, an end check follows the send to its end, whatever happens to its senders.
 */
export async function countEnqueued(
  deps: ProgressDeps & { queue: BatchQueue; policy: EndCheckPolicy },
  job: Pick<SegmentJob, 'issueId' | 'country' | 'language'>,
  perRegion: ReadonlyMap<string, number>,
) {
  const { issueId, country, language } = job;
  const recipients = [...perRegion.values()].reduce((sum, n) => sum + n, 0);
  if (await deps.counters.markSegmentEnqueued(issueId, segmentKey(country, language), recipients)) {
    const increments = regionIncrements(country, language, perRegion, 'recipients');
    await deps.counters.add(
      issueId,
      increments.filter((i) => i.dimension !== 'total'),
    );
  }
  // Every send gets its end check, also one its counts already ended: the counts are reconciled with the records.
  if ((await finishIfComplete(deps, issueId)).audienceComplete) {
    await deps.queue.enqueue([{ issueId, check: 'end' }], { delayMs: deps.policy.claimTimeoutMs });
  }
}

/** Counts a delivered batch's outcomes in every segment they are in; the batch that was a send's last ends it. */
export async function countOutcomes(
  deps: ProgressDeps,
  batch: SendBatch,
  outcome: Record<'sent' | 'measured' | 'failed' | 'skipped', Pick<Recipient, 'region'>[]> & {
    cancelled?: Pick<Recipient, 'region'>[];
  },
) {
  const of = (name: 'sent' | 'measured' | 'failed' | 'skipped' | 'cancelled') =>
    countIncrements(
      batch.country,
      batch.language,
      (outcome[name] ?? []).map((r) => r.region),
      name,
    );
  // One write per counter the batch touches: its sent and measured recipients share their segments' counters.
  await deps.counters.add(
    batch.issueId,
    mergeIncrements([...of('sent'), ...of('measured'), ...of('failed'), ...of('skipped'), ...of('cancelled')]),
  );
  await finishIfComplete(deps, batch.issueId);
}

// The recount: a send's delivery records are the truth of its counts. It runs when a send the embedded stack was
// stopped in resumes (before the queues start, so nothing races it), and in the end check that follows every
// send on the send queue, which reconciles counters left short (a Sender killed between recording a batch and
// counting it) once no sender can still be counting, and ends the send.

/**
 * The reason kept for a recipient whose sender stopped between calling SES and recording the answer. SES may
 * or may not have taken the email; Herald never sends it again, so no one gets an issue twice.
 */
export const OUTCOME_UNKNOWN =
  'outcome unknown: the sender stopped after calling SES and before recording its answer; not sent again';

export interface RecountDeps {
  deliveries: Pick<DeliveryRecords, 'records'> & Pick<DeliveryClaims, 'failClaim'>;
  clock: Clock;
}

interface Recount {
  /** The sending counts (recipients, sent, measured, failed, skipped, cancelled) of every counter the records touch. */
  counters: SegmentCounter[];
  /** Records in a final state (sent, failed, skipped, cancelled), every record counted, an erased person's included. */
  final: number;
  /** Claims still open: their senders may be at work. */
  open: number;
  /** Claims this recount ended as OUTCOME_UNKNOWN. */
  unknownOutcome: number;
  /** The latest time a record changed (ms), the claims this recount ended left out. */
  newest: number;
  /** Who was sent the issue, opened and clicked it, per segment: what the report counts people from. */
  sketches: PeopleSketch[];
}

/** The time a record last changed: its outcome, or its claim. */
const changedAt = (record: Pick<DeliveryRecord, 'claimedAt' | 'sentAt' | 'failedAt' | 'skippedAt' | 'cancelledAt'>) =>
  Math.max(
    ...[record.claimedAt, record.sentAt, record.failedAt, record.skippedAt, record.cancelledAt].map((t) =>
      t ? Date.parse(t) || 0 : 0,
    ),
  );

/**
 * Counts a send's delivery records per counter. Claims made before `endClaimsBefore` (ms) belong to a sender that
 * stopped: each ends as failed with OUTCOME_UNKNOWN (a conditional write: never sent again, counted once).
 */
async function recount(deps: RecountDeps, issueId: string, endClaimsBefore: number): Promise<Recount> {
  const tally = new Map<string, SegmentCounter>();
  const add = (record: { country: string; language: string; region: string }, name: CountName) => {
    for (const { dimension, key } of segmentsOf(record.country, record.language, record.region)) {
      const id = `${dimension}#${key}`;
      const counter = tally.get(id) ?? { dimension, key, ...EMPTY_COUNTS };
      counter[name] += 1;
      tally.set(id, counter);
    }
  };
  const result = { final: 0, open: 0, unknownOutcome: 0, newest: 0 };
  const people = new SketchTally();
  const now = deps.clock.now().toISOString();
  for await (const page of deps.deliveries.records(issueId)) {
    for (const record of page) {
      let status = record.status;
      if (status === 'claimed') {
        const abandoned =
          Date.parse(record.claimedAt) < endClaimsBefore &&
          (await deps.deliveries.failClaim(issueId, record.subscriberId, record.claimedAt, OUTCOME_UNKNOWN, now));
        if (!abandoned) {
          result.open += 1;
          continue;
        }
        status = 'failed';
        result.unknownOutcome += 1;
      } else {
        result.newest = Math.max(result.newest, changedAt(record));
      }
      add(record, 'recipients');
      add(record, status);
      if (status === 'sent' && record.tracked) add(record, 'measured');
      people.addRecord({ ...record, status });
      result.final += 1;
    }
  }
  return { ...result, counters: [...tally.values()], sketches: people.all() };
}

/**
 * After a restart, before any sender runs: every open claim is abandoned and ends as OUTCOME_UNKNOWN, the sending
 * counts are set from the records, and the enqueued segments are forgotten (the fan-out runs again).
 */
export async function recountAfterRestart(
  deps: RecountDeps & { counters: SendCounters },
  issueId: string,
): Promise<{ final: number; unknownOutcome: number }> {
  const { counters, final, unknownOutcome } = await recount(deps, issueId, Infinity);
  await deps.counters.resetSendingCounts(issueId, counters);
  return { final, unknownOutcome };
}

export interface EndCheckDeps extends RecountDeps {
  issues: Pick<IssueStore, 'get' | 'transition'>;
  counters: SendCounters;
  sketches: Pick<PeopleSketches, 'merge'>;
  queue: BatchQueue;
  policy: EndCheckPolicy;
}

/** The statuses whose end check goes on: the send has started and has not been reconciled. */

/** SQS delays a message 15 minutes at most. */
const MAX_CHECK_DELAY_MS = 15 * 60_000;
/** A send whose counts stood still this long without every recipient having an outcome needs a person. */
export const GIVE_UP_AFTER_MS = 24 * 3_600_000;

export type EndCheckOutcome = 'done' | 'reconciled' | 'later' | 'given-up';

/**
 * A send's end check, queued once its audience is enqueued and again after each look, until the send's counts
 * have been reconciled with its delivery records, once, at its end:
 * - while the counters move, senders are at work: look again after a claim timeout, without reading the records;
 * - once they stand still, the records are read. When every recipient has a final record and none changed within a
 *   claim timeout (no sender can still be counting one), the counters' sending counts are set from the records,
 *   each only if it did not move since it was read: a count a killed sender left short, or one counted twice, is
 *   put right, the people sketches of who was sent it, opened and clicked are stored (functions/domain/people.ts),
 *   and the send ends. Otherwise look again, later each time;
 * - a send still unfinished a day after its counts stood still (a batch in the dead-letter queue) is left as it is,
 *   showing who is pending, for a person to redrive or look into; a redriven batch ends it as usual.
 */
export async function checkSendEnd(deps: EndCheckDeps, check: SendCheck): Promise<EndCheckOutcome> {
  const { issueId } = check;
  const issue = await deps.issues.get(issueId);
  if (!issue || !STARTED_STATUSES.includes(issue.status) || issue.reconciledAt) return 'done';
  const timeout = deps.policy.claimTimeoutMs;
  const again = async (next: Omit<SendCheck, 'issueId' | 'check'>) => {
    const delayMs = Math.min(MAX_CHECK_DELAY_MS, timeout * 2 ** (next.scans ?? 0));
    await deps.queue.enqueue([{ issueId, check: 'end', ...next }], { delayMs });
    return 'later' as const;
  };
  // A paused send waits for a person, however long: it is looked at again, and not given up on.
  if (issue.status === 'paused') return again({});
  const total = await finishIfComplete(deps, issueId);

  const now = deps.clock.now().getTime();
  const handled = handledOf(total);
  if (!total.audienceComplete || handled !== check.handled) return again({ handled });
  const stillSince = check.stillSince ?? now;

  // Read before the records: a count that lands after this read makes its conditional write fail.
  const seen = await deps.counters.all(issueId);
  const records = await recount(deps, issueId, now - timeout);
  const settled = records.open === 0 && records.final === total.recipients && now - records.newest >= timeout;
  if (!settled) {
    if (now - stillSince >= GIVE_UP_AFTER_MS) return 'given-up';
    return again({ handled, stillSince, scans: (check.scans ?? 0) + 1 });
  }
  if (!(await deps.counters.reconcileSendingCounts(issueId, records.counters, seen))) return again({});
  // A union with what tracking raised meanwhile: the opens and clicks marked after the records were read count too.
  await deps.sketches.merge(issueId, records.sketches);
  await finishIfComplete(deps, issueId);
  const reconciled = { reconciledAt: new Date(now).toISOString() };
  // A send ends sent or cancelled; one paused meanwhile is reconciled after its resume.
  const ended =
    (await deps.issues.transition(issueId, 'sent', 'sent', reconciled)) ||
    (await deps.issues.transition(issueId, 'cancelled', 'cancelled', reconciled));
  return ended ? 'reconciled' : again({});
}
