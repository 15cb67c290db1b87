// SES events (as the configuration set publishes them) matched to the recipient by SES message id: each
// recipient's event is counted once, whatever the order or repetition, and a hard bounce or a complaint
// suppresses the address.
import * as z from 'zod';
import type { Clock, DeliveryRecord, DeliveryStore, IssueStore, SegmentCounts } from './ports.ts';
import { countIncrements, mergeIncrements, type Increment } from './segments.ts';
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
 * For each event type: the delivery record's field that marks it seen, and the counter it adds to. SES's own
 * Open and Click events are recorded, not counted: Herald's pixel and links count opens and clicks (and tell
 * machines apart), so counting both would count a reader twice.
 */
const EFFECTS: Record<
  Exclude<SesEventType, 'Bounce'>,
  { field: string; count?: keyof SegmentCounts; suppress?: 'complaint' }
> = {
  Send: { field: 'acceptedAt' },
  Delivery: { field: 'deliveredAt', count: 'delivered' },
  Complaint: { field: 'complainedAt', count: 'complained', suppress: 'complaint' },
  Reject: { field: 'rejectedAt' },
  'Rendering Failure': { field: 'renderingFailedAt' },
  DeliveryDelay: { field: 'delayedAt' },
  Open: { field: 'sesOpenedAt' },
  Click: { field: 'sesClickedAt' },
  Subscription: { field: 'subscriptionChangedAt' },
};

export type IngestOutcome = 'counted' | 'repeat' | 'unknown-message' | 'malformed';

export interface IngestDeps {
  deliveries: DeliveryStore;
  issues: IssueStore;
  subscribers: SubscriberRepository;
  clock: Clock;
}

const recordKey = (issueId: string, subscriberId: string) => `${issueId}#${subscriberId}`;

/**
 * The delivery records of the events' messages. A message's `issue` tag and its address name the record
 * directly (one batched read for the lot); only when that record is not the message's (an old message, a test
 * send, a subscriber whose id is not derived from the address) is the message id looked up in the index.
 */
async function deliveriesOf(deps: IngestDeps, events: SesEvent[]): Promise<(DeliveryRecord | undefined)[]> {
  const direct = events.map((event) => {
    const issueId = event.mail.tags?.[ISSUE_TAG]?.[0];
    const address = event.mail.destination?.length === 1 ? event.mail.destination[0] : undefined;
    return issueId && address ? { issueId, subscriberId: subscriberIdFor(address) } : undefined;
  });
  const found = new Map<string, DeliveryRecord>();
  const byIssue = new Map<string, string[]>();
  for (const key of direct) {
    if (!key) continue;
    const ids = byIssue.get(key.issueId) ?? [];
    ids.push(key.subscriberId);
    byIssue.set(key.issueId, ids);
  }
  for (const [issueId, subscriberIds] of byIssue) {
    const records = await deps.deliveries.getMany(issueId, subscriberIds);
    for (const record of records) found.set(recordKey(record.issueId, record.subscriberId), record);
  }
  return Promise.all(
    events.map((event, i) => {
      const key = direct[i];
      const record = key && found.get(recordKey(key.issueId, key.subscriberId));
      return record?.messageId === event.mail.messageId
        ? record
        : deps.deliveries.findByMessageId(event.mail.messageId);
    }),
  );
}

function effectOf(event: SesEvent) {
  if (event.eventType !== 'Bounce') return EFFECTS[event.eventType];
  return event.bounce?.bounceType === 'Permanent'
    ? { field: 'bouncedAt', count: 'bounced' as const, suppress: 'bounce' as const }
    : { field: 'softBouncedAt', count: 'transientBounces' as const };
}

/** One SES event; see `ingestSesEvents`. */
export async function ingestSesEvent(deps: IngestDeps, raw: unknown): Promise<IngestOutcome> {
  const [outcome] = await ingestSesEvents(deps, [raw]);
  return outcome!;
}

/**
 * A batch of SES events, as the queue hands them over: each is marked on its recipient's record once (a
 * conditional write, so a repeated or late event changes nothing), and the batch's counts are summed into one
 * write per counter. Answers each event's outcome, in order.
 */
export async function ingestSesEvents(deps: IngestDeps, raws: readonly unknown[]): Promise<IngestOutcome[]> {
  const outcomes: IngestOutcome[] = raws.map(() => 'malformed');
  const events: { index: number; event: SesEvent; at: string }[] = [];
  raws.forEach((raw, index) => {
    const parsed = sesEventSchema.safeParse(raw);
    const detailOf = parsed.success
      ? (parsed.data[DETAIL[parsed.data.eventType]] as { timestamp?: string } | undefined)
      : undefined;
    if (!parsed.success || !detailOf) return;
    const at = detailOf.timestamp ?? parsed.data.mail.timestamp ?? deps.clock.now().toISOString();
    events.push({ index, event: parsed.data, at });
  });

  const deliveries = await deliveriesOf(
    deps,
    events.map(({ event }) => event),
  );
  const increments = new Map<string, Increment[]>();
  const suppressions: { subscriberId: string; reason: 'bounce' | 'complaint' }[] = [];
  await Promise.all(
    events.map(async ({ index, event, at }, i) => {
      const delivery = deliveries[i];
      if (!delivery) return void (outcomes[index] = 'unknown-message');
      const effect = effectOf(event);
      if (!(await deps.deliveries.markOnce(delivery.issueId, delivery.subscriberId, effect.field, at))) {
        return void (outcomes[index] = 'repeat');
      }
      outcomes[index] = 'counted';
      if (effect.count) {
        const issue = increments.get(delivery.issueId) ?? [];
        issue.push(...countIncrements(delivery.country, delivery.language, [delivery.region], effect.count));
        increments.set(delivery.issueId, issue);
      }
      const reason = 'suppress' in effect ? effect.suppress : undefined;
      if (reason) suppressions.push({ subscriberId: delivery.subscriberId, reason });
    }),
  );

  for (const [issueId, issue] of increments) await deps.issues.addCounts(issueId, mergeIncrements(issue));
  for (const { subscriberId, reason } of suppressions) {
    // An erased subscriber is gone already; nothing to suppress.
    if (await deps.subscribers.get(subscriberId)) await suppress(deps, subscriberId, reason);
  }
  return outcomes;
}
