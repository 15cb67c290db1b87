import { describe, expect, it } from 'vitest';
import { ingestSesEvent } from '../../functions/domain/ses-events.ts';
import type { SubscriberRecord } from '../../functions/domain/subscribers.ts';
import { fakeDeliveryStore, fakeIssueStore, fakeSubscribers, fixedClock } from './fakes.ts';
import snsDelivery from '../fixtures/sns-ses-delivery-event.json' with { type: 'json' };

function setup() {
  const issues = fakeIssueStore();
  const deliveries = fakeDeliveryStore();
  deliveries.byId.set('sub-a', { status: 'sent', messageId: 'msg-a' });
  const subscribers = new Map<string, SubscriberRecord>([
    ['sub-a', { id: 'sub-a', status: 'confirmed', email: 'a@example.org' } as SubscriberRecord],
  ]);
  const deps = {
    issues,
    deliveries,
    clock: fixedClock,
    subscribers: fakeSubscribers(subscribers),
  };
  const total = async () => (await issues.counters('issue-1')).find((c) => c.dimension === 'total');
  return { deps, subscribers, total };
}

const event = (eventType: string, extra: object = {}, messageId = 'msg-a') => ({
  eventType,
  mail: { messageId },
  ...extra,
});

describe('SES events', () => {
  it('counts a delivery once, however often SES sends the event', async () => {
    const { deps, total } = setup();
    const delivery = JSON.parse(snsDelivery.Records[0]!.Sns.Message);
    delivery.mail.messageId = 'msg-a';
    expect(await ingestSesEvent(deps, delivery)).toBe('counted');
    expect(await ingestSesEvent(deps, delivery)).toBe('repeat');
    expect((await total())?.delivered).toBe(1);
  });

  it('suppresses the address on a permanent bounce and counts it, in whatever order the events come', async () => {
    const { deps, subscribers, total } = setup();
    expect(await ingestSesEvent(deps, event('Bounce', { bounce: { bounceType: 'Permanent' } }))).toBe('counted');
    expect(await ingestSesEvent(deps, event('Delivery'))).toBe('counted');
    expect(subscribers.get('sub-a')).toMatchObject({ status: 'suppressed', suppressionReason: 'bounce' });
    expect(await total()).toMatchObject({ bounced: 1, delivered: 1 });
  });

  it('counts a transient bounce apart and leaves the address alone', async () => {
    const { deps, subscribers, total } = setup();
    expect(await ingestSesEvent(deps, event('Bounce', { bounce: { bounceType: 'Transient' } }))).toBe('counted');
    expect(subscribers.get('sub-a')?.status).toBe('confirmed');
    expect((await total())?.bounced ?? 0).toBe(0);
  });

  it('suppresses the address on a complaint', async () => {
    const { deps, subscribers, total } = setup();
    await ingestSesEvent(deps, event('Complaint', { complaint: {} }));
    expect(subscribers.get('sub-a')).toMatchObject({ status: 'suppressed', suppressionReason: 'complaint' });
    expect((await total())?.complained).toBe(1);
  });

  it('acknowledges without counting an event for an unknown message, or one that is not an SES event', async () => {
    const { deps, total } = setup();
    expect(await ingestSesEvent(deps, event('Delivery', {}, 'msg-unknown'))).toBe('unknown-message');
    expect(await ingestSesEvent(deps, { hello: 'world' })).toBe('malformed');
    expect(await ingestSesEvent(deps, event('Teleport'))).toBe('malformed');
    expect(await total()).toBeUndefined();
  });
});
