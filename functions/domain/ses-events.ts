// SES events (as the configuration set publishes them) matched to the recipient by SES message id: each
// recipient's event is counted once, whatever the order or repetition; a hard bounce or a complaint suppresses
// the address; a Reject or a Rendering Failure (SES did not send after all) turns the recipient failed.
import * as z from 'zod';
import type { GrowthCounters } from './growth.ts';
import type {
  Clock,
  DeliveryMarks,
  DeliveryRecord,
  DeliveryRecords,
  MessageRecord,
  Increment,
  SegmentCounts,
  SendCounters,
} from './ports.ts';
import { countIncrements, mergeIncrements } from './progress.ts';
import { subscriberIdFor, suppress, type SubscriberRepository } from './subscribers.ts';

/** The message tag that names the issue (see deliverBatch). */
const ISSUE_TAG = 'issue';

export const SES_EVENT_TYPES = [
  'Send',
  'Delivery',
  'Bounce',
  'Complaint',
  'Reject',
  'Open',
  'Click',
  'Rendering Failure',
  'DeliveryDelay',
  'Subscription',
] as const;
export type SesEventType = (typeof SES_EVENT_TYPES)[number];

const detail = z.object({ timestamp: z.string().optional() });

/** The parts of an SES event record Herald reads; SES sends more, which is kept out. */
export const sesEventSchema = z.preprocess(
  // Identity feedback notifications name the type `notificationType`; event publishing names it `eventType`.
  (raw) =>
    raw && typeof raw === 'object' && !('eventType' in raw) && 'notificationType' in raw
      ? { ...raw, eventType: (raw as { notificationType: unknown }).notificationType }
      : raw,
  z.object({
    eventType: z.enum(SES_EVENT_TYPES),
    mail: z.object({
      messageId: z.string().min(1),
      timestamp: z.string().optional(),
      destination: z.array(z.string()).optional(),
      tags: z.record(z.string(), z.array(z.string())).optional(),
    }),
    bounce: detail.extend({ bounceType: z.string() }).optional(),
    complaint: detail.optional(),
    delivery: detail.optional(),
    send: z.object({}).optional(),
    reject: z.object({ reason: z.string().optional() }).optional(),
    open: detail.optional(),
    click: detail.extend({ link: z.string().optional() }).optional(),
    failure: z.object({ errorMessage: z.string().optional() }).optional(),
    deliveryDelay: detail.optional(),
    subscription: detail.optional(),
  }),
);
export type SesEvent = z.infer<typeof sesEventSchema>;

/** The object SES puts next to `mail` for each event type; an event without it is malformed. */
const DETAIL: Record<SesEventType, keyof SesEvent> = {
  Send: 'send',
  Delivery: 'delivery',
  Bounce: 'bounce',
  Complaint: 'complaint',
  Reject: 'reject',
  Open: 'open',
  Click: 'click',
  'Rendering Failure': 'failure',
  DeliveryDelay: 'deliveryDelay',
  Subscription: 'subscription',
};

/**
 * For each event type: the delivery record's field that marks it seen, the counter it adds to, and whether SES
 * did not send the message after all (`fails`: the record turns failed with SES's reason, the recipient moves
 * from `sent` to `failed` in each counter). SES's own Open and Click events are recorded, not counted: Herald's
 * pixel and links count opens and clicks (and tell machines apart), so counting both would count a reader twice.
 */
const EFFECTS: Record<
  Exclude<SesEventType, 'Bounce' | 'Send'>,
  { field: string; count?: keyof SegmentCounts; suppress?: 'complaint'; fails?: true }
> = {
  Delivery: { field: 'deliveredAt', count: 'delivered' },
  Complaint: { field: 'complainedAt', count: 'complained', suppress: 'complaint' },
  Reject: { field: 'rejectedAt', fails: true },
  'Rendering Failure': { field: 'renderingFailedAt', fails: true },
  DeliveryDelay: { field: 'delayedAt' },
  Open: { field: 'sesOpenedAt' },
  Click: { field: 'sesClickedAt' },
  Subscription: { field: 'subscriptionChangedAt' },
};

/**
 * `failed`: a write for this event failed; the queue hands it over again (the others of its batch are done).
 * `acknowledged`: an event that tells Herald nothing its own send did not record (SES's Send: the sender stored
 * the message id when SES accepted it), taken without a read or a write.
 */
export type IngestOutcome = 'counted' | 'repeat' | 'unknown-message' | 'malformed' | 'failed' | 'acknowledged';

export interface IngestDeps {
  deliveries: DeliveryMarks & Pick<DeliveryRecords, 'getMany' | 'findByMessageId'>;
  counters: Pick<SendCounters, 'add'>;
  subscribers: SubscriberRepository;
  /** A suppression of a confirmed subscriber is a loss in the audience's growth. */
  growth: Pick<GrowthCounters, 'add'>;
  clock: Clock;
  /** Told of each issue whose bounces or complaints this batch counted (a send may pause for its rates). */
  onReactions?: (issueId: string) => Promise<void>;
}

const recordKey = (issueId: string, subscriberId: string) => `${issueId}#${subscriberId}`;

/** What matching an event found: its recipient's record, none (an unknown message), or an error reading it. */
type Match = { record: MessageRecord | undefined } | { error: unknown };

/** The record an event's `issue` tag and its one address name (a send's message), if they do. */
function directKey(event: SesEvent) {
  const issueId = event.mail.tags?.[ISSUE_TAG]?.[0];
  const address = event.mail.destination?.length === 1 ? event.mail.destination[0] : undefined;
  return issueId && address ? { issueId, subscriberId: subscriberIdFor(address) } : undefined;
}

/**
 * The delivery records of the events' messages. A message's `issue` tag and its address name the record
 * directly (one batched read per issue); only when that record is not the message's (an old message, a test
 * send, a subscriber whose id is not derived from the address) is the message id looked up in the index. A read
 * that fails fails the events it was for, and only those.
 */
async function deliveriesOf(deps: IngestDeps, events: SesEvent[]): Promise<Match[]> {
  const direct = events.map(directKey);
  const found = new Map<string, DeliveryRecord>();
  const unreadIssues = new Map<string, unknown>();
  const byIssue = new Map<string, string[]>();
  for (const key of direct) {
    if (!key) continue;
    const ids = byIssue.get(key.issueId) ?? [];
    ids.push(key.subscriberId);
    byIssue.set(key.issueId, ids);
  }
  for (const [issueId, subscriberIds] of byIssue) {
    try {
      const records = await deps.deliveries.getMany(issueId, subscriberIds);
      for (const record of records) found.set(recordKey(record.issueId, record.subscriberId), record);
    } catch (error) {
      unreadIssues.set(issueId, error);
    }
  }
  return Promise.all(
    events.map(async (event, i): Promise<Match> => {
      const key = direct[i];
      if (key && unreadIssues.has(key.issueId)) return { error: unreadIssues.get(key.issueId) };
      const record = key && found.get(recordKey(key.issueId, key.subscriberId));
      if (record?.messageId === event.mail.messageId) return { record };
      try {
        return { record: await deps.deliveries.findByMessageId(event.mail.messageId) };
      } catch (error) {
        return { error };
      }
    }),
  );
}

/** An event Herald records: every type but Send. */
type RecordedEvent = SesEvent & { eventType: keyof typeof EFFECTS | 'Bounce' };

function effectOf(event: RecordedEvent) {
  if (event.eventType !== 'Bounce') return EFFECTS[event.eventType];
  return event.bounce?.bounceType === 'Permanent'
    ? { field: 'bouncedAt', count: 'bounced' as const, suppress: 'bounce' as const }
    : { field: 'softBouncedAt', count: 'transientBounces' as const };
}

/** SES's reason for not sending, kept on the failed record: `Reject: Bad content`. */
function failureReason(event: SesEvent) {
  const detail = event.eventType === 'Reject' ? event.reject?.reason : event.failure?.errorMessage;
  return `${event.eventType}: ${detail || 'no reason given'}`;
}

/** One recipient moved from `sent` (and `measured`, if they were) to `failed`, in every segment they are in. */
function sentToFailed(delivery: MessageRecord): Increment[] {
  const { country, language, region } = delivery;
  const undo = (name: 'sent' | 'measured') =>
    countIncrements(country, language, [region], name).map((i) => ({
      ...i,
      counts: { [name]: -(i.counts[name] ?? 0) },
    }));
  return [
    ...undo('sent'),
    ...(delivery.tracked ? undo('measured') : []),
    ...countIncrements(country, language, [region], 'failed'),
  ];
}

/** One SES event; see `ingestSesEvents`. */
export async function ingestSesEvent(deps: IngestDeps, raw: unknown): Promise<IngestOutcome> {
  const [outcome] = await ingestSesEvents(deps, [raw]);
  return outcome!;
}

/**
 * A batch of SES events, as the queue hands them over: each is marked on its recipient's record once (a
 * conditional write, so a repeated or late event changes nothing), and the batch's counts are summed into one
 * write per counter. A Reject or Rendering Failure turns the sent record failed instead (conditional on `sent`,
 * so it counts once). Answers each event's outcome, in order; an event whose read or write failed is `failed`
 * alone, for the queue to hand over again.
 */
export async function ingestSesEvents(
  deps: IngestDeps,
  raws: readonly unknown[],
  /** Told why each `failed` event failed (the caller logs it). */
  onError: (index: number, error: unknown) => void = () => {},
): Promise<IngestOutcome[]> {
  const outcomes: IngestOutcome[] = raws.map(() => 'malformed');
  const fail = (index: number, error: unknown) => {
    outcomes[index] = 'failed';
    onError(index, error);
  };
  const events: { index: number; event: RecordedEvent; at: string }[] = [];
  raws.forEach((raw, index) => {
    const parsed = sesEventSchema.safeParse(raw);
    const detailOf = parsed.success
      ? (parsed.data[DETAIL[parsed.data.eventType]] as { timestamp?: string } | undefined)
      : undefined;
    if (!parsed.success || !detailOf) return;
    const event = parsed.data;
    if (event.eventType === 'Send') return void (outcomes[index] = 'acknowledged');
    const at = detailOf.timestamp ?? event.mail.timestamp ?? deps.clock.now().toISOString();
    events.push({ index, event: event as RecordedEvent, at });
  });

  /** Per issue: the counter increments of its counted events (summed per counter once for the batch), and those events. */
  const perIssue = new Map<string, { from: number[]; increments: Increment[] }>();
  const suppressions: { index: number; subscriberId: string; reason: 'bounce' | 'complaint' }[] = [];
  const issueOf = (issueId: string) => {
    let issue = perIssue.get(issueId);
    if (!issue) perIssue.set(issueId, (issue = { from: [], increments: [] }));
    return issue;
  };
  /** A marked (or repeated) event: what it counts, and its suppression (a repeat suppresses too, as a retry). */
  const afterMark = (index: number, event: RecordedEvent, delivery: MessageRecord, counted: boolean) => {
    const effect = effectOf(event);
    if (counted && effect.count) {
      const issue = issueOf(delivery.issueId);
      issue.increments.push(...countIncrements(delivery.country, delivery.language, [delivery.region], effect.count));
      issue.from.push(index);
    }
    const reason = 'suppress' in effect ? effect.suppress : undefined;
    if (reason) suppressions.push({ index, subscriberId: delivery.subscriberId, reason });
  };

  // The common case first, one write each: an event whose tags name its record, marked there if the record holds
  // its message id. The others (a repeat, a Reject, an old message, an unknown one) are read, then marked.
  const unmarked: typeof events = [];
  await Promise.all(
    events.map(async (item) => {
      const { index, event, at } = item;
      const key = directKey(event);
      const effect = effectOf(event);
      if (!key || 'fails' in effect) return void unmarked.push(item);
      try {
        const marked = await deps.deliveries.markMessage(
          key.issueId,
          key.subscriberId,
          event.mail.messageId,
          effect.field,
          at,
        );
        if (!marked) return void unmarked.push(item);
        outcomes[index] = 'counted';
        afterMark(index, event, marked, true);
      } catch (error) {
        fail(index, error);
      }
    }),
  );

  const matches = await deliveriesOf(
    deps,
    unmarked.map(({ event }) => event),
  );
  await Promise.all(
    unmarked.map(async ({ index, event, at }, i) => {
      const match = matches[i]!;
      if ('error' in match) return fail(index, match.error);
      const delivery = match.record;
      if (!delivery) return void (outcomes[index] = 'unknown-message');
      const effect = effectOf(event);
      try {
        if ('fails' in effect) {
          const change = {
            reason: failureReason(event),
            failedAt: deps.clock.now().toISOString(),
            field: effect.field,
            eventAt: at,
          };
          if (await deps.deliveries.failSent(delivery.issueId, delivery.subscriberId, change)) {
            const issue = issueOf(delivery.issueId);
            issue.increments.push(...sentToFailed(delivery));
            issue.from.push(index);
            outcomes[index] = 'counted';
          } else outcomes[index] = 'repeat';
        } else if (await deps.deliveries.markOnce(delivery.issueId, delivery.subscriberId, effect.field, at)) {
          outcomes[index] = 'counted';
        } else outcomes[index] = 'repeat';
      } catch (error) {
        return fail(index, error);
      }
      afterMark(index, event, delivery, outcomes[index] === 'counted');
    }),
  );

  // The events are marked already, so their retry finds them repeats: counts whose write fails stay uncounted
  // (closing that gap takes a transaction, which dynalite lacks). They are reported failed all the same.
  for (const [issueId, { from, increments: issue }] of perIssue) {
    try {
      await deps.counters.add(issueId, mergeIncrements(issue));
    } catch (error) {
      for (const index of from) fail(index, error);
      continue;
    }
    if (deps.onReactions && issue.some((i) => i.counts.bounced || i.counts.complained)) {
      await deps.onReactions(issueId);
    }
  }
  for (const { index, subscriberId, reason } of suppressions) {
    try {
      // An erased subscriber is gone already; nothing to suppress.
      if (await deps.subscribers.get(subscriberId)) await suppress(deps, subscriberId, reason);
    } catch (error) {
      fail(index, error);
    }
  }
  return outcomes;
}
