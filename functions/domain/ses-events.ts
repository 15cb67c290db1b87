// SES events (as the configuration set publishes them) matched to the recipient by SES message id: each
// recipient's event is counted once, whatever the order or repetition, and a hard bounce or a complaint
// suppresses the address.
import * as z from 'zod';
import type { Clock, DeliveryRecord, DeliveryStore, IssueStore, SegmentCounts } from './ports.ts';
import { countIncrements } from './segments.ts';
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
const EFFECTS: Record<Exclude<SesEventType, 'Bounce'>, { field: string; count?: keyof SegmentCounts }> = {
  Send: { field: 'acceptedAt' },
  Delivery: { field: 'deliveredAt', count: 'delivered' },
  Complaint: { field: 'complainedAt', count: 'complained' },
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

/**
 * The delivery record of the event's message. The message's `issue` tag and its address name the record
 * directly (one read); only when that record is not the message's (an old message, a test send, a subscriber
 * whose id is not derived from the address) is the message id looked up in the index.
 */
async function deliveryOf(deps: IngestDeps, event: SesEvent): Promise<DeliveryRecord | undefined> {
  const issueId = event.mail.tags?.[ISSUE_TAG]?.[0];
  const address = event.mail.destination?.length === 1 ? event.mail.destination[0] : undefined;
  if (issueId && address) {
    const direct = await deps.deliveries.get(issueId, subscriberIdFor(address));
    if (direct?.messageId === event.mail.messageId) return direct;
  }
  return deps.deliveries.findByMessageId(event.mail.messageId);
}

export async function ingestSesEvent(deps: IngestDeps, raw: unknown): Promise<IngestOutcome> {
  const parsed = sesEventSchema.safeParse(raw);
  if (!parsed.success) return 'malformed';
  const event = parsed.data;
  const detailOf = event[DETAIL[event.eventType]] as { timestamp?: string } | undefined;
  if (!detailOf) return 'malformed';
  const delivery = await deliveryOf(deps, event);
  if (!delivery) return 'unknown-message';

  const permanent = event.eventType === 'Bounce' && event.bounce?.bounceType === 'Permanent';
  const effect =
    event.eventType === 'Bounce'
      ? permanent
        ? { field: 'bouncedAt', count: 'bounced' as const }
        : { field: 'softBouncedAt', count: 'transientBounces' as const }
      : EFFECTS[event.eventType];
  const at = detailOf.timestamp ?? event.mail.timestamp ?? deps.clock.now().toISOString();
  if (!(await deps.deliveries.markOnce(delivery.issueId, delivery.subscriberId, effect.field, at))) return 'repeat';

  if (effect.count) {
    await deps.issues.addCounts(
      delivery.issueId,
      countIncrements(delivery.country, delivery.language, [delivery.region], effect.count),
    );
  }
  if (permanent || event.eventType === 'Complaint') {
    const subscriber = await deps.subscribers.get(delivery.subscriberId);
    // An erased subscriber is gone already; nothing to suppress.
    if (subscriber) await suppress(deps, delivery.subscriberId, permanent ? 'bounce' : 'complaint');
  }
  return 'counted';
}
