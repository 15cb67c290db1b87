import { describe, expect, it } from 'vitest';
import { ingestSesEvent, ingestSesEvents, SES_EVENT_TYPES } from '../../functions/domain/ses-events.ts';
import { subscriberIdFor, type SubscriberRecord } from '../../functions/domain/subscribers.ts';
import { fakeDeliveryStore, fakeSendCounters, fakeSubscribers, fixedClock, fakeGrowthCounters } from './fakes.ts';
import snsDelivery from '../fixtures/sns-ses-delivery-event.json' with { type: 'json' };
import { readdirSync, readFileSync } from 'node:fs';
import { createSesEventsHandler } from '../../functions/handlers/ses-events.ts';
import type { DeliveryServices } from '../../functions/wiring/delivery-services.ts';
import { InProcessQueue, sqsEvent } from '../../local/queue.ts';
import { countIncrements } from '../../functions/domain/progress.ts';
import reject from '../fixtures/ses-events/reject.json' with { type: 'json' };
import renderingFailure from '../fixtures/ses-events/rendering-failure.json' with { type: 'json' };

const FIXTURES = new URL('../fixtures/ses-events/', import.meta.url);
/** SES's documented example of every event type, by file name. */
const documented = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.json'))
  .map((file) => ({ file, event: JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8')) }));

function setup() {
  const counters = fakeSendCounters();
  const deliveries = fakeDeliveryStore();
  deliveries.byId.set('sub-a', { status: 'sent', messageId: 'msg-a' });
  const subscribers = new Map<string, SubscriberRecord>([
    ['sub-a', { id: 'sub-a', status: 'confirmed', email: 'a@example.org' } as SubscriberRecord],
  ]);
  const deps = {
    counters,
    deliveries,
    clock: fixedClock,
    subscribers: fakeSubscribers(subscribers),
    growth: fakeGrowthCounters(),
  };
  const total = async () => (await counters.all('issue-1')).find((c) => c.dimension === 'total');
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

  it("acknowledges SES's Send without reading or writing anything: the sender recorded the message", async () => {
    const { deps, total } = setup();
    const untouchable = () => {
      throw new Error('a Send event must not touch the delivery records');
    };
    const deliveries = {
      ...deps.deliveries,
      getMany: untouchable,
      findByMessageId: untouchable,
      markOnce: untouchable,
    };
    expect(await ingestSesEvents({ ...deps, deliveries }, [event('Send', { send: {} })])).toEqual(['acknowledged']);
    expect(await total()).toBeUndefined();
  });

  it('suppresses the address on a permanent bounce and counts it, in whatever order the events come', async () => {
    const { deps, subscribers, total } = setup();
    expect(await ingestSesEvent(deps, event('Bounce', { bounce: { bounceType: 'Permanent' } }))).toBe('counted');
    expect(await ingestSesEvent(deps, event('Delivery', { delivery: {} }))).toBe('counted');
    expect(subscribers.get('sub-a')).toMatchObject({ status: 'suppressed', suppressionReason: 'bounce' });
    expect(await total()).toMatchObject({ bounced: 1, delivered: 1 });
  });

  it('counts a transient bounce apart and leaves the address alone', async () => {
    const { deps, subscribers, total } = setup();
    expect(await ingestSesEvent(deps, event('Bounce', { bounce: { bounceType: 'Transient' } }))).toBe('counted');
    expect(subscribers.get('sub-a')?.status).toBe('confirmed');
    expect(await total()).toMatchObject({ bounced: 0, transientBounces: 1 });
  });

  it('suppresses the address on a complaint', async () => {
    const { deps, subscribers, total } = setup();
    await ingestSesEvent(deps, event('Complaint', { complaint: {} }));
    expect(subscribers.get('sub-a')).toMatchObject({ status: 'suppressed', suppressionReason: 'complaint' });
    expect((await total())?.complained).toBe(1);
  });

  it('acknowledges without counting an event for an unknown message, or one that is not an SES event', async () => {
    const { deps, total } = setup();
    expect(await ingestSesEvent(deps, event('Delivery', { delivery: {} }, 'msg-unknown'))).toBe('unknown-message');
    expect(await ingestSesEvent(deps, { hello: 'world' })).toBe('malformed');
    expect(await ingestSesEvent(deps, event('Teleport'))).toBe('malformed');
    expect(await total()).toBeUndefined();
  });
});

describe('a batch of SES events', () => {
  function twoReaders() {
    const { deps, total } = setup();
    const readers = [
      { email: 'ana@example.bg', messageId: 'msg-ana', region: 'Haskovo' },
      { email: 'ivan@example.bg', messageId: 'msg-ivan', region: 'other' },
    ];
    for (const r of readers) {
      deps.deliveries.byId.set(subscriberIdFor(r.email), {
        status: 'sent',
        messageId: r.messageId,
        country: 'BG',
        language: 'bg',
        region: r.region,
      });
    }
    const delivered = (r: (typeof readers)[number]) => ({
      eventType: 'Delivery',
      mail: { messageId: r.messageId, destination: [r.email], tags: { issue: ['issue-1'] } },
      delivery: {},
    });
    return { deps, total, readers, delivered };
  }

  it('answers each event in order and counts each recipient once, the same event twice included', async () => {
    const { deps, total, readers, delivered } = twoReaders();
    const outcomes = await ingestSesEvents(deps, [
      delivered(readers[0]!),
      { hello: 'world' },
      delivered(readers[0]!),
      event('Delivery', { delivery: {} }, 'msg-nobody'),
      delivered(readers[1]!),
    ]);
    expect(outcomes.filter((o) => o === 'counted')).toHaveLength(2);
    expect(outcomes).toEqual([expect.any(String), 'malformed', expect.any(String), 'unknown-message', 'counted']);
    expect(new Set([outcomes[0], outcomes[2]])).toEqual(new Set(['counted', 'repeat']));
    expect((await total())?.delivered).toBe(2);
  });

  it("adds the batch's counts to each region, country and language it touches", async () => {
    const { deps, readers, delivered } = twoReaders();
    await ingestSesEvents(deps, readers.map(delivered));
    const counters = await deps.counters.all('issue-1');
    const deliveredIn = (dimension: string, key: string) =>
      counters.find((c) => c.dimension === dimension && c.key === key)?.delivered;
    expect(deliveredIn('country', 'BG')).toBe(2);
    expect(deliveredIn('language', 'bg')).toBe(2);
    expect(deliveredIn('region', 'BG/Haskovo')).toBe(1);
    expect(deliveredIn('region', 'BG/other')).toBe(1);
  });
});

describe('matching an event to its recipient', () => {
  it("reads the recipient's record by the issue tag and the address, without the message-id index", async () => {
    const { deps, total } = setup();
    const id = subscriberIdFor('reader@example.org');
    deps.deliveries.byId.set(id, {
      status: 'sent',
      messageId: 'msg-r',
      country: 'BG',
      language: 'bg',
      region: 'Haskovo',
    });
    deps.deliveries.findByMessageId = async () => {
      throw new Error('the index is not needed');
    };
    const delivery = {
      eventType: 'Delivery',
      mail: { messageId: 'msg-r', destination: ['reader@example.org'], tags: { issue: ['issue-1'] } },
      delivery: {},
    };
    expect(await ingestSesEvent(deps, delivery)).toBe('counted');
    expect(await total()).toMatchObject({ delivered: 1 });
  });
});

describe("SES's documented event examples", () => {
  function ingestSetup() {
    const counters = fakeSendCounters();
    const deliveries = fakeDeliveryStore();
    const subscribers = new Map<string, SubscriberRecord>();
    for (const { file, event } of documented) {
      const id = `sub-${file.replace('.json', '')}`;
      deliveries.byId.set(id, { status: 'sent', messageId: event.mail.messageId });
      subscribers.set(id, { id, status: 'confirmed', email: `${id}@example.org` } as SubscriberRecord);
    }
    const deps = {
      counters,
      deliveries,
      clock: fixedClock,
      subscribers: fakeSubscribers(subscribers),
      growth: fakeGrowthCounters(),
    };
    const handle = createSesEventsHandler(deps as unknown as DeliveryServices);
    const total = async () => (await counters.all('issue-1')).find((c) => c.dimension === 'total');
    return { handle, deps, deliveries, subscribers, total };
  }

  it('has an example of every event type SES publishes', () => {
    expect(new Set(documented.map((d) => d.event.eventType))).toEqual(new Set(SES_EVENT_TYPES));
  });

  it('records every type on its recipient and counts deliveries, bounces and complaints, each once', async () => {
    const { handle, deliveries, subscribers, total } = ingestSetup();
    for (const { event } of documented) await handle(sqsEvent([JSON.stringify(event)]));
    // Again, all in one batch, in the opposite order.
    await handle(sqsEvent([...documented].reverse().map(({ event }) => JSON.stringify(event))));
    expect(await total()).toMatchObject({
      delivered: 1,
      bounced: 1,
      complained: 1,
      transientBounces: 0,
      uniqueOpens: 0,
      uniqueClicks: 0,
    });
    // SES's Send says what the sender recorded when SES took the message: acknowledged, nothing written.
    expect(deliveries.byId.get('sub-send')?.acceptedAt).toBeUndefined();
    const fields = {
      'delivery.json': 'deliveredAt',
      'bounce.json': 'bouncedAt',
      'complaint.json': 'complainedAt',
      'reject.json': 'rejectedAt',
      'open.json': 'sesOpenedAt',
      'click.json': 'sesClickedAt',
      'rendering-failure.json': 'renderingFailedAt',
      'delivery-delay.json': 'delayedAt',
      'subscription.json': 'subscriptionChangedAt',
    };
    for (const [file, field] of Object.entries(fields)) {
      expect(deliveries.byId.get(`sub-${file.replace('.json', '')}`)?.[field], file).toEqual(expect.any(String));
    }
    expect(deliveries.byId.get('sub-delivery')?.deliveredAt).toBe('2016-10-19T23:21:04.133Z');
    expect(subscribers.get('sub-bounce')?.status).toBe('suppressed');
    expect(subscribers.get('sub-complaint')?.status).toBe('suppressed');
    expect(subscribers.get('sub-delivery-delay')?.status).toBe('confirmed');
  });

  it('acknowledges malformed and unknown events without counting anything', async () => {
    const { handle, deps, total } = ingestSetup();
    for (const { event } of documented) {
      const { mail: _mail, ...withoutMail } = event;
      expect(await ingestSesEvent(deps, withoutMail)).toBe('malformed');
      const detail = Object.keys(event).find((k) => k !== 'eventType' && k !== 'mail')!;
      const { [detail]: _detail, ...withoutDetail } = event;
      expect(await ingestSesEvent(deps, withoutDetail), event.eventType).toBe('malformed');
      expect(await ingestSesEvent(deps, { ...event, eventType: 'Teleport' })).toBe('malformed');
      expect(await ingestSesEvent(deps, { ...event, mail: { ...event.mail, messageId: 'nobody' } })).toBe(
        event.eventType === 'Send' ? 'acknowledged' : 'unknown-message',
      );
    }
    await expect(handle(sqsEvent(['{not json', '{}']))).resolves.toEqual({ batchItemFailures: [] });
    expect(await total()).toBeUndefined();
  });
});

describe('events for messages SES did not send after all', () => {
  async function sentReader(messageId: string) {
    const { deps, total } = setup();
    deps.deliveries.byId.set('sub-r', { status: 'sent', messageId, country: 'BG', language: 'bg', region: 'Haskovo' });
    // The sender counted the recipient sent.
    await deps.counters.add('issue-1', countIncrements('BG', 'bg', ['Haskovo'], 'sent'));
    const counts = async (dimension: string, key: string) => {
      const c = (await deps.counters.all('issue-1')).find((x) => x.dimension === dimension && x.key === key);
      return { sent: c?.sent, failed: c?.failed };
    };
    return { deps, total, counts };
  }

  it.each([
    ['Reject', reject, 'Reject: Bad content'],
    [
      'Rendering Failure',
      renderingFailure,
      "Rendering Failure: Attribute 'attributeName' is not present in the rendering data.",
    ],
  ])(
    'turns a recipient failed on %s with SES’s reason, moved from sent to failed once in every segment',
    async (_type, fixture, reason) => {
      const { deps, counts } = await sentReader(fixture.mail.messageId);
      expect(await ingestSesEvent(deps, fixture)).toBe('counted');
      expect(await ingestSesEvent(deps, fixture)).toBe('repeat');

      expect(deps.deliveries.byId.get('sub-r')).toMatchObject({ status: 'failed', reason });
      for (const [dimension, key] of [
        ['total', 'all'],
        ['country', 'BG'],
        ['language', 'bg'],
        ['region', 'BG/Haskovo'],
        ['segment', 'BG/bg'],
        ['regionLanguage', 'BG/Haskovo/bg'],
      ] as const) {
        expect(await counts(dimension, key), `${dimension} ${key}`).toEqual({ sent: 0, failed: 1 });
      }
    },
  );

  it('takes a measured recipient SES rejected out of the measured count too', async () => {
    const { deps, total } = await sentReader(reject.mail.messageId);
    deps.deliveries.byId.set('sub-r', { ...deps.deliveries.byId.get('sub-r')!, tracked: true });
    await deps.counters.add('issue-1', countIncrements('BG', 'bg', ['Haskovo'], 'measured'));
    expect(await ingestSesEvent(deps, reject)).toBe('counted');
    expect(await total()).toMatchObject({ sent: 0, measured: 0, failed: 1 });
  });
});

describe('a failure inside a batch of SES events', () => {
  function threeReaders() {
    const { deps, subscribers, total } = setup();
    const readers = ['ana@example.bg', 'ivan@example.bg', 'maria@example.bg'].map((email, i) => ({
      email,
      id: subscriberIdFor(email),
      messageId: `msg-${i}`,
    }));
    for (const r of readers) {
      deps.deliveries.byId.set(r.id, { status: 'sent', messageId: r.messageId, country: 'BG', language: 'bg' });
      subscribers.set(r.id, { id: r.id, status: 'confirmed', email: r.email } as SubscriberRecord);
    }
    const event = (r: (typeof readers)[number], type = 'Delivery', detail: object = { delivery: {} }) =>
      JSON.stringify({
        eventType: type,
        mail: { messageId: r.messageId, destination: [r.email], tags: { issue: ['issue-1'] } },
        ...detail,
      });
    const handle = createSesEventsHandler(deps as unknown as DeliveryServices);
    return { deps, subscribers, total, readers, event, handle };
  }

  it("counts a send's events in one write each, without reading their records", async () => {
    const { deps, total, readers, event, handle } = threeReaders();
    const unread = () => {
      throw new Error('an event whose tags name its record must not need a read');
    };
    deps.deliveries.getMany = unread;
    deps.deliveries.findByMessageId = unread;
    expect(await handle(sqsEvent(readers.map((r) => event(r))))).toEqual({ batchItemFailures: [] });
    expect((await total())?.delivered).toBe(3);
  });

  it('reports only the event whose write failed; the others of the batch count once', async () => {
    const { deps, total, readers, event, handle } = threeReaders();
    const { markOnce, markMessage } = deps.deliveries;
    let broken = true;
    const failing = (id: string) => {
      if (broken && id === readers[1]!.id) throw new Error('ProvisionedThroughputExceededException');
    };
    deps.deliveries.markOnce = async (issueId, id, field, at) => {
      failing(id);
      return markOnce(issueId, id, field, at);
    };
    deps.deliveries.markMessage = async (issueId, id, messageId, field, at) => {
      failing(id);
      return markMessage(issueId, id, messageId, field, at);
    };
    const batch = sqsEvent(readers.map((r) => event(r)));

    const { batchItemFailures } = await handle(batch);
    expect(batchItemFailures).toEqual([{ itemIdentifier: batch.Records[1]!.messageId }]);
    expect((await total())?.delivered).toBe(2);

    // The queue hands over the failed one again, and it counts then.
    broken = false;
    expect(await handle({ Records: [batch.Records[1]!] })).toEqual({ batchItemFailures: [] });
    expect((await total())?.delivered).toBe(3);
  });

  it('acknowledges a body that is not JSON and counts the rest of its batch', async () => {
    const { total, readers, event, handle } = threeReaders();
    const { batchItemFailures } = await handle(sqsEvent([event(readers[0]!), '{not json', event(readers[2]!)]));
    expect(batchItemFailures).toEqual([]);
    expect((await total())?.delivered).toBe(2);
  });

  it('suppresses the address on the retry of a bounce whose suppression failed', async () => {
    const { deps, subscribers, readers, event, handle } = threeReaders();
    const bounce = sqsEvent([event(readers[0]!, 'Bounce', { bounce: { bounceType: 'Permanent' } })]);
    const get = deps.subscribers.get;
    deps.subscribers.get = async () => {
      throw new Error('connection reset');
    };
    expect((await handle(bounce)).batchItemFailures).toHaveLength(1);
    deps.subscribers.get = get;

    expect(await handle(bounce)).toEqual({ batchItemFailures: [] });
    expect(subscribers.get(readers[0]!.id)?.status).toBe('suppressed');
    expect((await deps.counters.readTotal('issue-1')).bounced).toBe(1);
  });

  it('has the embedded events queue hand over again only the event that failed, until it counts', async () => {
    const { deps, total, readers, event, handle } = threeReaders();
    const { markOnce, markMessage } = deps.deliveries;
    let failures = 2;
    const failing = (id: string) => {
      if (id === readers[2]!.id && failures-- > 0) throw new Error('InternalServerError');
    };
    deps.deliveries.markOnce = async (issueId, id, field, at) => {
      failing(id);
      return markOnce(issueId, id, field, at);
    };
    deps.deliveries.markMessage = async (issueId, id, messageId, field, at) => {
      failing(id);
      return markMessage(issueId, id, messageId, field, at);
    };
    const queue = new InProcessQueue<unknown>({
      visibilityTimeoutMs: 1,
      maxReceiveCount: 5,
      concurrency: 1,
      batchSize: 100,
    });
    const handedOver: number[] = [];
    queue.consume(async (batch) => {
      handedOver.push(batch.Records.length);
      return handle(batch);
    });
    await queue.enqueue(readers.map((r) => JSON.parse(event(r))));
    await queue.drained();

    expect(handedOver).toEqual([3, 1, 1]);
    expect((await total())?.delivered).toBe(3);
    expect(queue.deadLetters).toEqual([]);
  });
});
