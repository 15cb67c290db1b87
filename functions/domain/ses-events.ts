// SES events (as the configuration set publishes them) matched to the recipient by SES message id: each
// recipient's event is counted once, whatever the order or repetition, and a hard bounce or a complaint
// suppresses the address.
import { z } from 'zod';
import type { Clock, DeliveryStore, IssueStore, SegmentCounts } from './ports.ts';
import { countIncrements } from './segments.ts';
import { suppress, type SubscriberRepository } from './subscribers.ts';

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

/** The parts of an SES event record Herald reads; SES sends more, which is kept out. */
export const sesEventSchema = z.object({
  eventType: z.enum(SES_EVENT_TYPES),
  mail: z.object({ messageId: z.string().min(1), timestamp: z.string().optional() }),
  bounce: z.object({ bounceType: z.string(), timestamp: z.string().optional() }).optional(),
  complaint: z.object({ timestamp: z.string().optional() }).optional(),
  delivery: z.object({ timestamp: z.string().optional() }).optional(),
});
export type SesEvent = z.infer<typeof sesEventSchema>;

/** For each event type: the delivery record's field that marks it seen, and the counter it adds to. */
const EFFECTS: Partial<Record<SesEvent['eventType'], { field: string; count?: keyof SegmentCounts }>> = {
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

export async function ingestSesEvent(deps: IngestDeps, raw: unknown): Promise<IngestOutcome> {
  const parsed = sesEventSchema.safeParse(raw);
  if (!parsed.success) return 'malformed';
  const event = parsed.data;
  const delivery = await deps.deliveries.findByMessageId(event.mail.messageId);
  if (!delivery) return 'unknown-message';

  const permanent = event.eventType === 'Bounce' && event.bounce?.bounceType === 'Permanent';
  const effect =
    event.eventType === 'Bounce'
      ? permanent
        ? { field: 'bouncedAt', count: 'bounced' as const }
        : { field: 'softBouncedAt' }
      : EFFECTS[event.eventType];
  if (!effect) return 'malformed';
  const at =
    event.bounce?.timestamp ??
    event.complaint?.timestamp ??
    event.delivery?.timestamp ??
    deps.clock.now().toISOString();
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
