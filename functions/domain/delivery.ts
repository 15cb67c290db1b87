// Delivering one batch of a send: claim each recipient, wait for the pacer, one SendBulkEmail call, record each
// outcome, then count them (progress.ts). The rules that keep a recipient from getting an issue twice live here,
// and what a batch of a paused send (it waits) or a cancelled one (its recipients end cancelled) comes to.
import { MailerRefusedError, NotFoundError, RetryLaterError } from './errors.ts';
import { tagValue } from './message-tags.ts';
import type {
  BatchQueue,
  BulkResult,
  Clock,
  DeliveryClaims,
  DeliveryRecords,
  Edition,
  IssueStore,
  Mailer,
  Outcome,
  Recipient,
  SendBatch,
  SendPacer,
} from './ports.ts';
import { countOutcomes, OUTCOME_UNKNOWN, type ProgressDeps } from './progress.ts';
import { autoPause } from './send-controls.ts';
import type { Language } from './reference.ts';
import { anonymizeErasedRecipients, type SubscriberRepository } from './subscribers.ts';
import { recipientLinks, type Tokens } from './tokens.ts';
import { trackingData, untrackedData } from './tracking.ts';

export interface DeliveryPolicy {
  /**
   * How long a claim may stay unfinished before it counts as abandoned: longer than one delivery attempt can
   * run (the Sender's timeout in AWS), shorter than the time before the queue redelivers a failed batch.
   */
  claimTimeoutMs: number;
  /** SES calls per batch attempt when SES throttles, each after a longer pause (exponential backoff). */
  throttleAttempts: number;
  backoffMs: number;
}

export const DEFAULT_POLICY: DeliveryPolicy = { claimTimeoutMs: 60_000, throttleAttempts: 3, backoffMs: 200 };

export interface DeliveryDeps extends ProgressDeps {
  /** Read once per batch: a paused send's batch waits, a cancelled send's ends cancelled. */
  issues: Pick<IssueStore, 'get' | 'transition'>;
  /** The send queue, where a paused send's batch waits (delayed) until its send resumes or is cancelled. */
  queue: BatchQueue;
  deliveries: DeliveryClaims & Pick<DeliveryRecords, 'getMany' | 'put' | 'delete'>;
  mailer: Mailer;
  pacer: SendPacer;
  clock: Clock;
  tokens: Tokens;
  publicUrl: string;
  subscribers: Pick<SubscriberRepository, 'statuses' | 'sendStates'>;
  edition: (issueId: string, language: Language) => Promise<Edition | undefined>;
  policy: DeliveryPolicy;
  sleep?: (ms: number) => Promise<void>;
}

/** Which delivery of a queue message this is; on the last one, nothing is left for a retry. */
export interface Attempt {
  number: number;
  last: boolean;
}

/** What a delivery found out, recorded and counted at its end. */
interface Tally {
  sent: Recipient[];
  /** Those of `sent` whose email was measured (pixel and tracked links): they consented. */
  measured: Recipient[];
  failed: Recipient[];
  skipped: Recipient[];
  cancelled: Recipient[];
  /** Claims given back because SES refused the whole call for now. */
  released: Recipient[];
  /** Claims given back because SES refused them for a reason no retry fixes: the send pauses, they wait. */
  held: Recipient[];
  /** SES's reason for that. */
  pauseReason?: string;
  /** Why the batch must come again (entries SES throttled or failed for a while). */
  retry: string[];
  records: Outcome[];
}

export interface BatchOutcome {
  sent: number;
  failed: number;
  skipped: number;
  cancelled: number;
  /** Recipients another delivery of this batch handled, or is handling. */
  alreadyHandled: number;
  /** Recipients put back on the queue to wait, as their send is paused. */
  waiting: number;
  /** Why this batch paused its send (SES refused it for a reason no retry fixes); absent when it did not. */
  pausedSend?: string;
}

/** The reason a cancelled send's recipients keep. */
export const CANCELLED_REASON = 'the send was cancelled before this recipient was sent the issue';

/**
 * A paused send's batch waits on the queue, looking again after a claim timeout: a resume takes effect within
 * that time, and a pause of hours costs one message per batch per look.
 */
async function wait(deps: DeliveryDeps, batch: SendBatch, recipients: Recipient[] = batch.recipients) {
  if (recipients.length > 0) {
    await deps.queue.enqueue([{ ...batch, recipients }], { delayMs: deps.policy.claimTimeoutMs });
  }
}

const nothing = { sent: 0, failed: 0, skipped: 0, cancelled: 0, alreadyHandled: 0, waiting: 0 };

/** Names go into the HTML as they are (SES does not escape), so only plain characters are kept. */
const safeName = (name: string | undefined) => (name ?? '').replace(/[<>&"'{}\\]/g, '').trim();

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Delivers one batch. Each recipient is claimed with a conditional write first, so a redelivered batch skips
 * whoever is handled; SES refusing a call gives the claims back for the retry; a claim left by a sender that
 * stopped mid-call ends as failed with OUTCOME_UNKNOWN, never sent twice.
 */
export async function deliverBatch(
  deps: DeliveryDeps,
  batch: SendBatch,
  attempt: Attempt = { number: 1, last: false },
): Promise<BatchOutcome> {
  const status = (await deps.issues.get(batch.issueId))?.status;
  if (status === 'paused') {
    await wait(deps, batch);
    return { ...nothing, waiting: batch.recipients.length };
  }
  const cancelled = status === 'cancelled';
  const edition = cancelled ? undefined : await deps.edition(batch.issueId, batch.language);
  if (!cancelled && !edition) throw new NotFoundError(`edition ${batch.language} of issue ${batch.issueId}`);
  const at = deps.clock.now().toISOString();
  const claims = await Promise.all(batch.recipients.map((r) => deps.deliveries.claim(batch.issueId, batch, r, at)));
  const mine = batch.recipients.filter((_, i) => claims[i]);
  const abandoned = await endAbandonedClaims(
    deps,
    batch,
    batch.recipients.filter((_, i) => !claims[i]),
  );
  const outcome: Tally = {
    sent: [],
    measured: [],
    failed: [...abandoned],
    skipped: [],
    cancelled: [],
    released: [],
    held: [],
    retry: [],
    records: [],
  };
  const alreadyHandled = batch.recipients.length - mine.length - abandoned.length;
  if (cancelled || !edition) {
    outcome.cancelled = mine;
    for (const r of mine) outcome.records.push({ recipient: r, at, status: 'cancelled', reason: CANCELLED_REASON });
    await settle(deps, batch, at, outcome, abandoned);
    return { ...nothing, failed: abandoned.length, cancelled: mine.length, alreadyHandled };
  }

  // Whoever unsubscribed, was suppressed or erased since the send started is left out, and says why (an erased
  // recipient's record is made anonymous below). The tracking choice is read in the same look, at send time.
  const states = mine.length > 0 ? await deps.subscribers.sendStates(mine.map((r) => r.id)) : new Map();
  const confirmed = mine.filter((r) => states.get(r.id)?.status === 'confirmed');
  outcome.skipped = mine.filter((r) => states.get(r.id)?.status !== 'confirmed');
  for (const r of outcome.skipped) {
    outcome.records.push({ recipient: r, at, status: 'skipped', reason: states.get(r.id)?.status ?? 'erased' });
  }
  const tracked = new Set(confirmed.filter((r) => states.get(r.id)?.tracking).map((r) => r.id));

  let failure: unknown;
  if (confirmed.length > 0) {
    try {
      const results = await sendPaced(deps, edition, batch, confirmed, tracked);
      await recordResults(deps, batch, confirmed, tracked, results, attempt, outcome);
    } catch (error) {
      settleFailedCall(deps, error, confirmed, attempt, outcome);
      const given = [...outcome.released, ...outcome.held];
      if (given.length > 0) await Promise.all(given.map((r) => deps.deliveries.release(batch.issueId, r.id)));
      // A refusal that no retry can change is final as recorded, or pauses the send.
      if (!(error instanceof MailerRefusedError && !error.retry)) failure = error;
    }
  }

  await settle(deps, batch, at, outcome, abandoned);
  // The send pauses before its held recipients wait, so their next look finds it paused.
  let pausedSend: string | undefined;
  if (outcome.pauseReason !== undefined) {
    if (await autoPause(deps, batch.issueId, { cause: 'ses', reason: outcome.pauseReason })) {
      pausedSend = outcome.pauseReason;
    }
    await wait(deps, batch, outcome.held);
  }
  if (failure) throw failure;
  if (outcome.retry.length > 0) throw new RetryLaterError(outcome.retry);
  return {
    sent: outcome.sent.length,
    failed: outcome.failed.length,
    skipped: outcome.skipped.length,
    cancelled: 0,
    alreadyHandled,
    waiting: outcome.held.length,
    ...(pausedSend !== undefined && { pausedSend }),
  };
}

/** Records and counts a batch's outcomes; an erased recipient keeps no record under their id. */
async function settle(deps: DeliveryDeps, batch: SendBatch, claimedAt: string, outcome: Tally, abandoned: Recipient[]) {
  if (outcome.records.length > 0) await deps.deliveries.recordOutcomes(batch, claimedAt, outcome.records);
  // Also when the erasure ran while this batch was out.
  await anonymizeErasedRecipients(deps, batch.issueId, [
    ...outcome.records.map((o) => o.recipient.id),
    ...abandoned.map((r) => r.id),
  ]);
  await countOutcomes(deps, batch, outcome);
}

/**
 * Recipients claimed by an earlier delivery that never recorded an outcome: a claim older than any attempt can
 * run belongs to a sender that stopped. Each ends as failed with OUTCOME_UNKNOWN (counted once: the update is
 * conditional on the claim). Younger claims belong to a delivery still running and are left to it.
 */
async function endAbandonedClaims(deps: DeliveryDeps, batch: SendBatch, others: Recipient[]): Promise<Recipient[]> {
  if (others.length === 0) return [];
  const now = deps.clock.now();
  const records = await deps.deliveries.getMany(
    batch.issueId,
    others.map((r) => r.id),
  );
  const stale = records.filter(
    (d) => d.status === 'claimed' && now.getTime() - Date.parse(d.claimedAt) >= deps.policy.claimTimeoutMs,
  );
  const ended = await Promise.all(
    stale.map((d) =>
      deps.deliveries.failClaim(batch.issueId, d.subscriberId, d.claimedAt, OUTCOME_UNKNOWN, now.toISOString()),
    ),
  );
  const endedIds = new Set(stale.filter((_, i) => ended[i]).map((d) => d.subscriberId));
  return others.filter((r) => endedIds.has(r.id));
}

/** One SendBulkEmail call for the batch, at the pace of the account; throttled calls are tried again with backoff. */
async function sendPaced(
  deps: DeliveryDeps,
  edition: Edition,
  batch: SendBatch,
  recipients: Recipient[],
  tracked: ReadonlySet<string>,
): Promise<BulkResult[]> {
  const entries = recipients.map((r) => {
    const links = recipientLinks(deps, r.id, batch.issueId);
    // Without consent the token is empty: the edition's pixel drops out and its links stay the plain ones.
    const tracking = tracked.has(r.id) ? trackingData(deps, batch.issueId, r.id) : untrackedData();
    return {
      to: r.email,
      data: { name: safeName(r.name), ...links, ...tracking },
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
  const sleep = deps.sleep ?? defaultSleep;
  for (let call = 1; ; call += 1) {
    await deps.pacer.acquire(entries.length);
    try {
      return await deps.mailer.sendBulk(edition, entries);
    } catch (error) {
      const throttled = error instanceof MailerRefusedError && error.retry;
      if (!throttled || call >= deps.policy.throttleAttempts) throw error;
      // Full jitter, so senders throttled together do not come back together.
      await sleep(Math.random() * deps.policy.backoffMs * 2 ** (call - 1));
    }
  }
}

/** Each entry's result: sent with its message id, failed with SES's reason, or given back for a retry. */
async function recordResults(
  deps: DeliveryDeps,
  batch: SendBatch,
  recipients: Recipient[],
  tracked: ReadonlySet<string>,
  results: BulkResult[],
  attempt: Attempt,
  outcome: Tally,
) {
  const at = deps.clock.now().toISOString();
  const released: Recipient[] = [];
  recipients.forEach((r, i) => {
    const result: BulkResult = results[i] ?? { ok: false, error: 'no result', retry: false };
    if (result.ok) {
      outcome.sent.push(r);
      const measured = tracked.has(r.id);
      if (measured) outcome.measured.push(r);
      outcome.records.push({
        recipient: r,
        at,
        status: 'sent',
        messageId: result.messageId,
        ...(measured && { tracked: true }),
      });
      return;
    }
    if (result.pause) {
      // No attempt would send it: it waits for the send to be resumed, on the last attempt too.
      outcome.pauseReason ??= result.error;
      outcome.held.push(r);
      return void released.push(r);
    }
    if (result.retry) {
      // Given back for the queue's retry; on the last attempt it fails, and the batch goes to the dead letters.
      outcome.retry.push(result.error);
      if (!attempt.last) return void released.push(r);
    }
    outcome.failed.push(r);
    outcome.records.push({ recipient: r, at, status: 'failed', reason: result.error });
  });
  await Promise.all(released.map((r) => deps.deliveries.release(batch.issueId, r.id)));
}

/**
 * The bulk call failed as a whole. When SES refused it, nothing was sent: the claims are given back for the
 * queue's retry, or on the last attempt end as failed with SES's reason; when no retry would change it (the
 * account suspended, the sender not verified) they are held, to wait for the send's resume. Any other failure
 * (a broken connection, a 5xx) leaves it unknown whether SES took the batch: the claims stay, and end as
 * OUTCOME_UNKNOWN when a later delivery finds them abandoned, or now if no delivery is left.
 */
function settleFailedCall(
  deps: DeliveryDeps,
  error: unknown,
  recipients: Recipient[],
  attempt: Attempt,
  outcome: Tally,
) {
  const at = deps.clock.now().toISOString();
  const refused = error instanceof MailerRefusedError;
  if (refused && error.pause) {
    outcome.pauseReason = error.message;
    return void outcome.held.push(...recipients);
  }
  if (refused && error.retry && !attempt.last) return void outcome.released.push(...recipients);
  if (!refused && !attempt.last) return;
  const reason = refused ? error.message : OUTCOME_UNKNOWN;
  outcome.failed.push(...recipients);
  for (const r of recipients) outcome.records.push({ recipient: r, at, status: 'failed', reason });
}
