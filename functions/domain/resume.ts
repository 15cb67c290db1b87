// A send's delivery records are the truth of its counts. Two things recount them: resuming a send the embedded
// stack was stopped in (before the queues start, so nothing races it), and the end check that follows every send
// on the send queue, which reconciles counters left short (a Sender killed between recording a batch and counting
// it) once no sender can still be counting, and ends the send.
import { OUTCOME_UNKNOWN, type DeliveryPolicy } from './delivery.ts';
import { loadIssueContent } from './edition.ts';
import type { BatchQueue, Clock, DeliveryStore, IssueStore, SegmentCounter, SendCheck } from './ports.ts';
import { LANGUAGES } from './reference.ts';
import {
  countSegments,
  finishIfComplete,
  planFanOut,
  renderEditions,
  storeEditions,
  type SendDeps,
} from './sending.ts';
import { countIncrements } from './segments.ts';
import { EMPTY_COUNTS } from './issues.ts';

export type ResumeDeps = SendDeps & { deliveries: DeliveryStore };

export async function resumeSend(
  deps: ResumeDeps,
  issueId: string,
): Promise<{ handled: number; unknownOutcome: number } | undefined> {
  const issue = await deps.issues.get(issueId);
  if (issue?.status !== 'sending') return undefined;

  // Stopped while rendering: the missing editions are rendered now.
  const stored = await Promise.all(LANGUAGES.map((language) => deps.issues.getEdition(issueId, language)));
  if (stored.some((e) => !e)) {
    // Nothing was queued before every edition was stored: one that cannot be is a draft again, not a stuck send.
    const editions = await renderEditions(deps, issue, await loadIssueContent(deps.content, issue)).catch(
      async (error: unknown) => {
        await deps.issues.transition(issueId, 'sending', 'draft');
        throw error;
      },
    );
    await storeEditions(deps, issueId, editions);
  }

  // No sender runs yet: every open claim is abandoned.
  const { counters, final, unknownOutcome } = await recount(deps, issueId, Infinity);
  await deps.issues.resetSendingCounts(issueId, counters);
  await planFanOut(deps, issueId, [...(await countSegments(deps.audience)).values()], { resume: true });
  return { handled: final, unknownOutcome };
}

interface Recount {
  /** The sending counts (recipients, sent, failed, skipped) of every counter the records touch. */
  counters: SegmentCounter[];
  /** Records in a final state (sent, failed, skipped), every record counted, an erased person's included. */
  final: number;
  /** Claims still open: their senders may be at work. */
  open: number;
  /** Claims this recount ended as OUTCOME_UNKNOWN. */
  unknownOutcome: number;
  /** The latest time a record changed (ms), the claims this recount ended left out. */
  newest: number;
}

/** The time a record last changed: its outcome, or its claim. */
const changedAt = (record: { claimedAt: string; sentAt?: string; failedAt?: string; skippedAt?: string }) =>
  Math.max(
    ...[record.claimedAt, record.sentAt, record.failedAt, record.skippedAt].map((t) => (t ? Date.parse(t) || 0 : 0)),
  );

/**
 * Counts a send's delivery records per counter. Claims made before `endClaimsBefore` (ms) belong to a sender that
 * stopped: each ends as failed with OUTCOME_UNKNOWN (a conditional write: never sent again, counted once).
 */
async function recount(
  deps: { deliveries: DeliveryStore; clock: Clock },
  issueId: string,
  endClaimsBefore: number,
): Promise<Recount> {
  const counters = new Map<string, SegmentCounter>();
  const add = (record: { country: string; language: string; region: string }, name: keyof typeof EMPTY_COUNTS) => {
    for (const { dimension, key } of countIncrements(record.country, record.language, [record.region], name)) {
      const id = `${dimension}#${key}`;
      const counter = counters.get(id) ?? { dimension, key, ...EMPTY_COUNTS };
      counter[name] += 1;
      counters.set(id, counter);
    }
  };
  const result = { final: 0, open: 0, unknownOutcome: 0, newest: 0 };
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
      result.final += 1;
    }
  }
  return { ...result, counters: [...counters.values()] };
}

export interface EndCheckDeps {
  issues: IssueStore;
  deliveries: DeliveryStore;
  queue: BatchQueue;
  clock: Clock;
  /** A claim older than this has no sender left: the longest a delivery attempt runs (the Sender's timeout). */
  policy: Pick<DeliveryPolicy, 'claimTimeoutMs'>;
}

/** SQS delays a message 15 minutes at most. */
const MAX_CHECK_DELAY_MS = 15 * 60_000;

export type EndCheckOutcome = 'not-sending' | 'complete' | 'reconciled' | 'later';

/**
 * A send's end check, queued after its audience is enqueued and again after each look until the send ends:
 * - a send whose counters are complete ends (as `finishIfComplete` does);
 * - while the counters move, senders are at work: look again after a claim timeout, without reading the records;
 * - once they stall, the records are read. When every recipient has a final record and none changed within a
 *   claim timeout (no sender can still be counting one), the counters' sending counts are set from the records,
 *   each only if it did not move since it was read, and the send ends. Otherwise look again, later each time.
 */
export async function checkSendEnd(deps: EndCheckDeps, check: SendCheck): Promise<EndCheckOutcome> {
  const { issueId } = check;
  if ((await deps.issues.get(issueId))?.status !== 'sending') return 'not-sending';
  const total = await finishIfComplete(deps, issueId);
  if (total.complete) return 'complete';

  const timeout = deps.policy.claimTimeoutMs;
  const handled = total.sent + total.failed + total.skipped;
  const again = async (next: Omit<SendCheck, 'issueId' | 'check'>) => {
    const delayMs = Math.min(MAX_CHECK_DELAY_MS, timeout * 2 ** (next.scans ?? 0));
    await deps.queue.enqueue([{ issueId, check: 'end', ...next }], { delayMs });
    return 'later' as const;
  };
  if (!total.audienceComplete || handled !== check.handled) return again({ handled });

  // Read before the records: a count that lands after this read makes its conditional write fail.
  const seen = await deps.issues.counters(issueId);
  const now = deps.clock.now().getTime();
  const records = await recount(deps, issueId, now - timeout);
  const settled = records.open === 0 && records.final === total.recipients && now - records.newest >= timeout;
  if (!settled) return again({ handled, scans: (check.scans ?? 0) + 1 });
  if (!(await deps.issues.reconcileSendingCounts(issueId, records.counters, seen))) return again({});
  await finishIfComplete(deps, issueId);
  return 'reconciled';
}
