// Sending an issue: freeze and render it once per language, fan the audience out in batches, deliver each batch.
import { buildEditionView, loadIssueContent } from './edition.ts';
import { tagValue } from './message-tags.ts';
import { countIncrements } from './segments.ts';
import type { Tokens } from './tokens.ts';
import { trackingData } from './tracking.ts';
import type { SubscriberRepository } from './subscribers.ts';
import { ConflictError, NotFoundError, QuotaExceededError, TranslationGapsError, ValidationError } from './errors.ts';
import { blockingGaps, countAudience, translationStatus } from './issue-editing.ts';
import type {
  AudienceSource,
  BatchQueue,
  Clock,
  ContentStore,
  DeliveryStore,
  Edition,
  EditionRenderer,
  IssueStore,
  Mailer,
  Recipient,
  SegmentCounts,
  SendBatch,
  SendScheduler,
  QuotaSource,
} from './ports.ts';
import { COUNTRY_CODES, LANGUAGES, type Language } from './reference.ts';

/** SendBulkEmail takes at most 50 destinations; one batch is one call. */
export const BATCH_SIZE = 50;
/** Batches handed to the queue at once (SQS takes 10 messages per call). */
const ENQUEUE_CHUNK = 10;

export interface SendDeps {
  issues: IssueStore;
  content: ContentStore;
  renderer: EditionRenderer;
  audience: AudienceSource;
  queue: BatchQueue;
  deliveries: DeliveryStore;
  mailer: Mailer;
  clock: Clock;
  publicUrl: string;
  tokens: Tokens;
  quota: QuotaSource;
}

/** Counter increments for a group of recipients of one (country, language), in every segment they are in. */
function segmentIncrements(
  batch: Pick<SendBatch, 'country' | 'language'>,
  recipients: Recipient[],
  name: keyof SegmentCounts,
) {
  return countIncrements(
    batch.country,
    batch.language,
    recipients.map((r) => r.region),
    name,
  );
}

/**
 * Starts sending a draft: freezes it (draft -> sending, once), stores one rendered edition per language,
 * and enqueues every confirmed subscriber, segment by segment, in batches of at most 50.
 */
export async function startSend(
  deps: SendDeps,
  issueId: string,
  options: { allowFallback?: boolean; from?: 'draft' | 'scheduled' } = {},
): Promise<{ recipients: number }> {
  const from = options.from ?? 'draft';
  const issue = await deps.issues.get(issueId);
  if (!issue) throw new NotFoundError(`issue ${issueId}`);
  if (issue.status !== from) {
    throw new ConflictError(`issue ${issueId} is ${issue.status}; only a ${from} issue can be sent now`);
  }
  // The audience is counted once, for the translation check and the quota check alike.
  const [content, audience] = await Promise.all([loadIssueContent(deps.content, issue), countAudience(deps.audience)]);
  if (!options.allowFallback) {
    const gaps = blockingGaps(audience, translationStatus(issue, content));
    if (Object.keys(gaps).length > 0) throw new TranslationGapsError(gaps);
  }
  await checkQuota(
    deps,
    Object.values(audience).reduce((sum, n) => sum + n, 0),
  );
  if (!(await deps.issues.transition(issueId, from, 'sending', { sendStartedAt: deps.clock.now().toISOString() }))) {
    throw new ConflictError(`issue ${issueId} is already being sent`);
  }
  const views = LANGUAGES.map((language) => buildEditionView(issue, content, language, deps.publicUrl));
  for (const edition of await deps.renderer.renderAll(views)) await deps.issues.putEdition(issueId, edition);

  let pending: SendBatch[] = [];
  const flush = async () => {
    await deps.queue.enqueue(pending);
    pending = [];
  };
  for (const country of COUNTRY_CODES) {
    for (const language of LANGUAGES) {
      for await (const recipients of deps.audience.pages(country, language, BATCH_SIZE)) {
        const batch: SendBatch = { issueId, country, language, recipients };
        // Counted before enqueued, so a progress report never shows more sent than recipients.
        await deps.issues.addCounts(issueId, segmentIncrements(batch, recipients, 'recipients'));
        pending.push(batch);
        if (pending.length === ENQUEUE_CHUNK) await flush();
      }
    }
  }
  await flush();
  const total = await deps.issues.completeAudience(issueId);
  await finishIfComplete(deps, issueId);
  return { recipients: total.recipients };
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
  deps: Pick<SendDeps, 'issues' | 'content' | 'audience' | 'clock'> & { scheduler: SendScheduler },
  issueId: string,
  at: Date,
  options: { allowFallback?: boolean } = {},
): Promise<{ scheduledAt: string }> {
  const now = deps.clock.now().getTime();
  if (at.getTime() <= now) throw new ValidationError('at', 'must be in the future');
  if (at.getTime() > now + MAX_SCHEDULE_AHEAD_MS) throw new ValidationError('at', 'must be within a year');
  const issue = await deps.issues.get(issueId);
  if (!issue) throw new NotFoundError(`issue ${issueId}`);
  if (issue.status !== 'draft') {
    throw new ConflictError(`issue ${issueId} is ${issue.status}; only a draft can be scheduled`);
  }
  if (!options.allowFallback) {
    const [content, audience] = await Promise.all([
      loadIssueContent(deps.content, issue),
      countAudience(deps.audience),
    ]);
    const gaps = blockingGaps(audience, translationStatus(issue, content));
    if (Object.keys(gaps).length > 0) throw new TranslationGapsError(gaps);
  }
  const scheduledAt = at.toISOString();
  const fields = { scheduledAt, allowFallback: options.allowFallback === true };
  if (!(await deps.issues.transition(issueId, 'draft', 'scheduled', fields))) {
    throw new ConflictError(`issue ${issueId} is no longer a draft`);
  }
  try {
    await deps.scheduler.schedule(issueId, at);
  } catch (error) {
    await deps.issues.transition(issueId, 'scheduled', 'draft');
    throw error;
  }
  return { scheduledAt };
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
  return startSend(deps, issueId, { from: 'scheduled', allowFallback: true });
}

async function finishIfComplete(deps: Pick<SendDeps, 'issues' | 'clock'>, issueId: string) {
  const total = await deps.issues.readTotal(issueId);
  if (total.audienceComplete && total.sent + total.failed + total.skipped >= total.recipients) {
    await deps.issues.transition(issueId, 'sending', 'sent', { sentAt: deps.clock.now().toISOString() });
  }
}

/** A recipient's own links: unsubscribe (attributed to the issue) and preferences. */
export function recipientLinks(deps: { tokens: Tokens; publicUrl: string }, subscriberId: string, issueId?: string) {
  const token = deps.tokens.sign({ purpose: 'manage', subscriberId, ...(issueId && { issueId }) });
  return {
    unsubscribeUrl: `${deps.publicUrl}/unsubscribe/${token}`,
    preferencesUrl: `${deps.publicUrl}/preferences/${token}`,
  };
}

/** Names go into the HTML as they are (SES does not escape), so only plain characters are kept. */
const safeName = (name: string | undefined) => (name ?? '').replace(/[<>&"'{}\\]/g, '').trim();

/**
 * Delivers one batch: claims each recipient (a redelivered batch skips those already claimed),
 * sends the claimed ones in one bulk call, records each outcome and counts it.
 */
export async function deliverBatch(
  deps: Pick<SendDeps, 'issues' | 'deliveries' | 'mailer' | 'clock' | 'tokens' | 'publicUrl'> & {
    subscribers: Pick<SubscriberRepository, 'statuses'>;
    edition: (issueId: string, language: Language) => Promise<Edition | undefined>;
  },
  batch: SendBatch,
): Promise<{ sent: number; failed: number; skipped: number; alreadyHandled: number }> {
  const edition = await deps.edition(batch.issueId, batch.language);
  if (!edition) throw new NotFoundError(`edition ${batch.language} of issue ${batch.issueId}`);
  const at = deps.clock.now().toISOString();
  const claims = await Promise.all(batch.recipients.map((r) => deps.deliveries.claim(batch.issueId, batch, r, at)));
  const mine = batch.recipients.filter((_, i) => claims[i]);
  const alreadyHandled = batch.recipients.length - mine.length;
  if (mine.length === 0) return { sent: 0, failed: 0, skipped: 0, alreadyHandled };

  // Whoever unsubscribed, was suppressed or erased since the send started is left out, and says why.
  const statuses = await deps.subscribers.statuses(mine.map((r) => r.id));
  const claimed = mine.filter((r) => statuses.get(r.id) === 'confirmed');
  const skipped = mine.filter((r) => statuses.get(r.id) !== 'confirmed');
  await Promise.all(
    skipped.map((r) => deps.deliveries.markSkipped(batch.issueId, r.id, statuses.get(r.id) ?? 'erased', at)),
  );
  if (claimed.length === 0) {
    await deps.issues.addCounts(batch.issueId, segmentIncrements(batch, skipped, 'skipped'));
    await finishIfComplete(deps, batch.issueId);
    return { sent: 0, failed: 0, skipped: skipped.length, alreadyHandled };
  }

  const entries = claimed.map((r) => {
    const links = recipientLinks(deps, r.id, batch.issueId);
    return {
      to: r.email,
      data: { name: safeName(r.name), ...links, ...trackingData(deps, batch.issueId, r.id) },
      tags: {
        issue: tagValue(batch.issueId),
        country: batch.country,
        language: batch.language,
        region: tagValue(r.region),
      },
      // RFC 8058 one-click unsubscribe, as Gmail and Yahoo require of bulk senders.
      headers: {
        'List-Unsubscribe': `<${links.unsubscribeUrl}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    };
  });
  let results;
  try {
    results = await deps.mailer.sendBulk(edition, entries);
  } catch (error) {
    // SES took nothing: give the claims back so the queue's retry sends to these recipients.
    await Promise.all(claimed.map((r) => deps.deliveries.release(batch.issueId, r.id)));
    throw error;
  }
  const done = deps.clock.now().toISOString();
  const sent: Recipient[] = [];
  const failed: Recipient[] = [];
  await Promise.all(
    claimed.map((r, i) => {
      const result = results[i];
      if (result?.ok) {
        sent.push(r);
        return deps.deliveries.markSent(batch.issueId, r.id, result.messageId, done);
      }
      failed.push(r);
      return deps.deliveries.markFailed(batch.issueId, r.id, result?.error ?? 'no result', done);
    }),
  );
  await deps.issues.addCounts(batch.issueId, [
    ...segmentIncrements(batch, sent, 'sent'),
    ...segmentIncrements(batch, failed, 'failed'),
    ...segmentIncrements(batch, skipped, 'skipped'),
  ]);
  await finishIfComplete(deps, batch.issueId);
  return { sent: sent.length, failed: failed.length, skipped: skipped.length, alreadyHandled };
}
