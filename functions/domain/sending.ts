// Sending an issue: freeze it and render it once per language, then fan the audience out, one (country,
// language) segment at a time, into batches of at most 50 on the send queue. Batches are delivered in delivery.ts;
// what a send counts and when it is complete is progress.ts's.
import { buildEditionView, loadIssueContent, type IssueContent } from './edition.ts';
import { countEnqueued, planSegments } from './progress.ts';
import { sentRecordsOf } from './archive.ts';
import type { DeliveryPolicy } from './delivery.ts';
import {
  ConflictError,
  EditionTooLargeError,
  NotFoundError,
  QuotaExceededError,
  TranslationGapsError,
  ValidationError,
} from './errors.ts';
import { blockingGaps, translationStatus } from './issue-editing.ts';
import { audienceOf, inSelection, type AudienceSelection, type AudienceTallies } from './audience.ts';
import type {
  AudienceSource,
  BatchQueue,
  Clock,
  ContentStore,
  DeliveryRecords,
  Edition,
  EditionRenderer,
  FanOutQueue,
  IssueStore,
  Recipient,
  SegmentJob,
  SendBatch,
  SendCounters,
  SendScheduler,
  QuotaSource,
  SentRecords,
} from './ports.ts';
import type { Issue } from './records.ts';
import type { SendStarts } from './local-time.ts';
import type { Country, Reference } from './reference.ts';

/** SendBulkEmail takes at most 50 destinations; one batch is one call. */
export const BATCH_SIZE = 50;
/** Subscribers read from the audience index per query while fanning out (10 batches). */
const AUDIENCE_PAGE = 500;

export interface SendDeps {
  issues: IssueStore;
  counters: SendCounters;
  content: ContentStore;
  renderer: EditionRenderer;
  audience: AudienceSource;
  fanOut: FanOutQueue;
  clock: Clock;
  publicUrl: string;
  quota: QuotaSource;
  reference: Reference;
  sentRecords: SentRecords;
  /** Subscribers per segment, status and topic set: what a send plans from and the audience view shows. */
  tallies: Pick<AudienceTallies, 'all'>;
}

export interface FanOutDeps {
  issues: Pick<IssueStore, 'transition'>;
  counters: SendCounters;
  audience: AudienceSource;
  queue: BatchQueue;
  deliveries: Pick<DeliveryRecords, 'getMany'>;
  clock: Clock;
  /** The end check waits a claim timeout: by then no sender that was at work can still be counting. */
  policy: DeliveryPolicy;
}

/**
 * The (country, language) segments a send of the issue reads, with their recipients in its selection (empty ones
 * left out), and the recipients per language: counted from the audience tallies, the figures the audience view shows.
 */
export async function plannedAudience(deps: Pick<SendDeps, 'tallies' | 'reference'>, issue: Pick<Issue, 'audience'>) {
  const summary = await audienceOf(deps, issue.audience);
  return { segments: summary.segments, byLanguage: summary.byLanguage, recipients: summary.total };
}

/**
 * Starts sending a draft: freezes it (draft -> sending, once), stores one rendered edition per language,
 * and puts one fan-out job per (country, language) with subscribers on the fan-out queue. The audience is
 * read by the fan-out, never in this call, so a send of a million takes as long to start as a send of ten.
 */
export async function startSend(
  deps: SendDeps,
  issueId: string,
  options: {
    allowFallback?: boolean;
    from?: 'draft' | 'scheduled';
    /** A local-time send's first start: every segment is planned, only these countries' are fanned out now. */
    countries?: readonly Country[];
  } = {},
): Promise<{ recipients: number; segments: Pick<SegmentJob, 'country' | 'language'>[] }> {
  const from = options.from ?? 'draft';
  const issue = await deps.issues.get(issueId);
  if (!issue) throw new NotFoundError(`issue ${issueId}`);
  if (issue.status !== from) {
    throw new ConflictError(`issue ${issueId} is ${issue.status}; only a ${from} issue can be sent now`);
  }
  // The audience is counted once, for the translation check, the quota check and the fan-out plan alike.
  const [content, { segments, byLanguage, recipients }] = await Promise.all([
    loadIssueContent(deps.content, issue),
    plannedAudience(deps, issue),
  ]);
  const { languages } = deps.reference;
  if (!options.allowFallback) {
    const gaps = blockingGaps(byLanguage, translationStatus(languages, issue, content));
    if (Object.keys(gaps).length > 0) throw new TranslationGapsError(gaps);
  }
  await checkQuota(deps, recipients);
  // Rendered before the issue is frozen, so an issue that cannot go out stays a draft.
  const editions = await renderEditions(deps, issue, content);
  if (!(await deps.issues.transition(issueId, from, 'sending', { sendStartedAt: deps.clock.now().toISOString() }))) {
    throw new ConflictError(`issue ${issueId} is already being sent`);
  }
  await storeEditions(deps, issueId, editions, content);
  await planFanOut(deps, issueId, segments, { selection: issue.audience, countries: options.countries });
  return { recipients, segments: segments.map(({ country, language }) => ({ country, language })) };
}

/**
 * An edition's largest size, far above what reads well (Gmail clips past 102 KB) and below what DynamoDB stores in
 * one item (400 KB with the text part and the links).
 */
export const MAX_EDITION_BYTES = 300 * 1024;
const byteLength = (text: string) => new TextEncoder().encode(text).length;

/** Every language's edition, rendered in one go; refused when one would be too large to store and send. */
export async function renderEditions(
  deps: Pick<SendDeps, 'renderer' | 'publicUrl' | 'reference'>,
  issue: Issue,
  content: IssueContent,
): Promise<Edition[]> {
  const views = deps.reference.languages.map((language) =>
    buildEditionView(deps.reference, issue, content, language, deps.publicUrl),
  );
  const editions = await deps.renderer.renderAll(views);
  for (const edition of editions) {
    const bytes = byteLength(edition.html) + byteLength(edition.text) + byteLength(JSON.stringify(edition.links ?? []));
    if (bytes > MAX_EDITION_BYTES) {
      throw new EditionTooLargeError({ language: edition.language, bytes, maxBytes: MAX_EDITION_BYTES });
    }
  }
  return editions;
}

/**
 * Stores a send's editions, and the records they show as they are now (the archive's record pages); if that fails,
 * the issue is a draft again: nothing has been queued or sent yet.
 */
export async function storeEditions(
  deps: Pick<SendDeps, 'issues' | 'sentRecords'>,
  issueId: string,
  editions: Edition[],
  content: IssueContent,
) {
  try {
    // Records first: a send whose editions are all stored has its records too (a resumed send checks the editions).
    await deps.sentRecords.putSent(issueId, sentRecordsOf(content));
    for (const edition of editions) await deps.issues.putEdition(issueId, edition);
  } catch (error) {
    await deps.issues.transition(issueId, 'sending', 'draft');
    throw error;
  }
}

/** Records which segments the send reads and queues their fan-out jobs; with none, the send is complete at once. */
export async function planFanOut(
  deps: Pick<SendDeps, 'issues' | 'counters' | 'fanOut' | 'clock'>,
  issueId: string,
  segments: Pick<SegmentJob, 'country' | 'language'>[],
  options: FanOutOptions & { countries?: readonly Country[] | undefined } = {},
) {
  await planSegments(deps, issueId, segments);
  const now = options.countries ? segments.filter((s) => options.countries!.includes(s.country)) : segments;
  await enqueueFanOut(deps, issueId, now, options);
}

export interface FanOutOptions {
  resume?: boolean;
  selection?: AudienceSelection | undefined;
  /** A local-time start cancelled before it began: its segments are marked enqueued with nobody. */
  cancelled?: boolean;
}

/** Queues the fan-out jobs of planned segments. */
export async function enqueueFanOut(
  deps: Pick<SendDeps, 'fanOut'>,
  issueId: string,
  segments: Pick<SegmentJob, 'country' | 'language'>[],
  options: FanOutOptions = {},
) {
  // Countries and languages chose the segments; regions and topics are checked per subscriber by the fan-out.
  const { regions, topics } = options.selection ?? {};
  const jobs = segments.map(({ country, language }): SegmentJob => ({
    issueId,
    country,
    language,
    ...(regions && { regions }),
    ...(topics && { topics }),
    ...(options.resume && { resume: true }),
    ...(options.cancelled && { cancelled: true }),
  }));
  for (let i = 0; i < jobs.length; i += 10) await deps.fanOut.enqueue(jobs.slice(i, i + 10));
}

/**
 * Reads one segment's confirmed subscribers from the audience index page by page (never a scan, never the
 * whole list in memory) and enqueues them in batches of at most 50. Run twice (the queue delivers at least
 * once), it enqueues the batches again, which the sender's claims make harmless, and counts them once.
 */
export async function fanOutSegment(deps: FanOutDeps, job: SegmentJob): Promise<{ recipients: number }> {
  const { issueId, country, language } = job;
  const perRegion = new Map<string, number>();
  let recipients = 0;
  if (job.cancelled) {
    await countEnqueued(deps, job, perRegion);
    return { recipients };
  }
  const selection = { ...(job.regions && { regions: job.regions }), ...(job.topics && { topics: job.topics }) };
  for await (const members of deps.audience.pages(country, language, AUDIENCE_PAGE)) {
    const page = members
      .filter((m) => inSelection(selection, { ...m, country, language }))
      .map(({ topics: _topics, ...recipient }): Recipient => recipient);
    let fresh = page;
    if (job.resume) {
      // After a restart: who has a delivery record was counted by the recount and is handled already.
      const known = new Set(
        (
          await deps.deliveries.getMany(
            issueId,
            page.map((r) => r.id),
          )
        ).map((d) => d.subscriberId),
      );
      fresh = page.filter((r) => !known.has(r.id));
    }
    // A page's recipients by region: a batch then touches one region's counters, not several (fewer writes).
    fresh.sort((a, b) => (a.region < b.region ? -1 : a.region > b.region ? 1 : 0));
    const batches: SendBatch[] = [];
    for (let i = 0; i < fresh.length; i += BATCH_SIZE) {
      batches.push({ issueId, country, language, recipients: fresh.slice(i, i + BATCH_SIZE) });
    }
    for (let i = 0; i < batches.length; i += 10) await deps.queue.enqueue(batches.slice(i, i + 10));
    recipients += fresh.length;
    for (const r of fresh) perRegion.set(r.region, (perRegion.get(r.region) ?? 0) + 1);
  }
  await countEnqueued(deps, job, perRegion);
  return { recipients };
}

/** Refuses a send the remaining 24-hour SES quota cannot carry, before anything is frozen or queued. */
async function checkQuota(deps: Pick<SendDeps, 'quota'>, recipients: number) {
  const quota = await deps.quota.quota();
  const remaining = Math.max(0, quota.max24HourSend - quota.sentLast24Hours);
  if (recipients > remaining) {
    throw new QuotaExceededError({
      recipients,
      remaining,
      max24HourSend: quota.max24HourSend,
      sentLast24Hours: quota.sentLast24Hours,
    });
  }
}

/** The furthest ahead a send can be scheduled. */
const MAX_SCHEDULE_AHEAD_MS = 366 * 24 * 3600 * 1000;

/** Schedules a draft's send: checked now (translations), started by the scheduler at `at`. */
export async function scheduleSend(
  deps: Pick<SendDeps, 'issues' | 'content' | 'tallies' | 'clock' | 'renderer' | 'publicUrl' | 'reference'> & {
    scheduler: SendScheduler;
    starts: Pick<SendStarts, 'remove'>;
  },
  issueId: string,
  at: Date,
  options: { allowFallback?: boolean } = {},
): Promise<{ scheduledAt: string }> {
  const now = deps.clock.now().getTime();
  if (at.getTime() <= now) throw new ValidationError('at', 'must be in the future');
  if (at.getTime() > now + MAX_SCHEDULE_AHEAD_MS) throw new ValidationError('at', 'must be within a year');
  const issue = await deps.issues.get(issueId);
  if (!issue) throw new NotFoundError(`issue ${issueId}`);
  await checkSchedulable(deps, issue, options);
  const scheduledAt = at.toISOString();
  const fields = { scheduledAt, allowFallback: options.allowFallback === true };
  if (!(await deps.issues.transition(issueId, 'draft', 'scheduled', fields))) {
    throw new ConflictError(`issue ${issueId} is no longer a draft`);
  }
  // Starts left from an earlier send at a local hour would fire (or be re-armed) for this one.
  await deps.starts.remove(issueId);
  try {
    await deps.scheduler.schedule(issueId, at);
  } catch (error) {
    await deps.issues.transition(issueId, 'scheduled', 'draft');
    throw error;
  }
  return { scheduledAt };
}

/**
 * Whether a draft can be scheduled: its languages with recipients translated (unless fallback is allowed) and its
 * editions small enough. Its records cannot change while it is scheduled, so an edition that fits now fits then.
 */
export async function checkSchedulable(
  deps: Pick<SendDeps, 'content' | 'tallies' | 'renderer' | 'publicUrl' | 'reference'>,
  issue: Issue,
  options: { allowFallback?: boolean },
) {
  if (issue.status !== 'draft') {
    throw new ConflictError(`issue ${issue.id} is ${issue.status}; only a draft can be scheduled`);
  }
  const [content, { byLanguage }] = await Promise.all([
    loadIssueContent(deps.content, issue),
    plannedAudience(deps, issue),
  ]);
  if (!options.allowFallback) {
    const { languages } = deps.reference;
    const gaps = blockingGaps(byLanguage, translationStatus(languages, issue, content));
    if (Object.keys(gaps).length > 0) throw new TranslationGapsError(gaps);
  }
  await renderEditions(deps, issue, content);
}

/** Cancels a scheduled send that has not started; the issue is a draft again. */
export async function cancelScheduledSend(deps: { issues: IssueStore; scheduler: SendScheduler }, issueId: string) {
  const issue = await deps.issues.get(issueId);
  if (!issue) throw new NotFoundError(`issue ${issueId}`);
  if (!(await deps.issues.transition(issueId, 'scheduled', 'draft'))) {
    throw new ConflictError(`issue ${issueId} is ${issue.status}; only a scheduled send can be cancelled`);
  }
  await deps.scheduler.cancel(issueId);
}

/** What the scheduler runs at the scheduled time; a send cancelled meanwhile is left alone. */
export async function runScheduledSend(deps: SendDeps, issueId: string): Promise<{ recipients: number } | undefined> {
  const issue = await deps.issues.get(issueId);
  if (issue?.status !== 'scheduled') return undefined;
  // Translations were checked when the editor scheduled it.
  const { recipients } = await startSend(deps, issueId, { from: 'scheduled', allowFallback: true });
  return { recipients };
}
