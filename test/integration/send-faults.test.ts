// The sender under the faults of real queues and real SES, on the embedded stack with the real SDK client:
// SES faults come from the fault-injecting proxy in front of the SES emulator. Each send must reach every
// confirmed subscriber once, and leave every recipient in a final state the progress report shows.
import { afterEach, describe, expect, it } from 'vitest';
import { SAMPLE_ISSUE_ID, secon } from '../support/profile.ts';
import { OUTCOME_UNKNOWN } from '../../functions/domain/progress.ts';
import { recipientLinks } from '../../functions/domain/tokens.ts';
import { generatedSubscriber } from '../../local/generate-subscribers.ts';
import { sentEmails } from '../support/embedded-stack.ts';
import {
  deliveryRecords,
  expectNoDuplicateAndNoLoss,
  startFaultyStack,
  type FaultyStack,
} from '../support/faulty-ses.ts';

let current: FaultyStack | undefined;
afterEach(async () => {
  await current?.dispose();
  current = undefined;
});

async function sendSample(faulty: FaultyStack) {
  const recipients = await faulty.audience();
  const response = await faulty.api(`/api/issues/${SAMPLE_ISSUE_ID}/send`, { method: 'POST' });
  expect(response.status).toBe(202);
  return recipients;
}

describe('sending under faults', () => {
  it('sends no one twice when every batch is delivered twice, even at the same time', async () => {
    current = await startFaultyStack('dup');
    const { queue } = current.test.stack;
    const enqueue = queue.enqueue.bind(queue);
    queue.enqueue = (messages, options) => enqueue([...messages, ...messages], options);

    const recipients = await sendSample(current);
    await current.test.stack.drained();

    const { records } = await expectNoDuplicateAndNoLoss(current.test, SAMPLE_ISSUE_ID, recipients);
    expect(records.every((r) => r.status === 'sent')).toBe(true);
    expect(current.proxy.stats.entries).toBe(recipients);
  });

  it('never sends twice when the sender fails after SES took the batch: those recipients end as outcome unknown', async () => {
    // Every third call: SES sends the batch, and the answer never reaches the sender.
    current = await startFaultyStack('lost-answer', {
      fault: (n) => ({ kind: n % 3 === 0 ? 'lose-answer' : 'forward' }),
    });
    const recipients = await sendSample(current);
    await current.test.stack.drained();

    const { records, received } = await expectNoDuplicateAndNoLoss(current.test, SAMPLE_ISSUE_ID, recipients);
    const unknown = records.filter((r) => r.reason === OUTCOME_UNKNOWN);
    expect(unknown.length).toBeGreaterThan(0);
    expect(unknown.every((r) => r.status === 'failed')).toBe(true);
    // SES did send to them, once: the guarantee is at most once, and the report says which are in doubt.
    expect(received.size).toBe(records.filter((r) => r.status === 'sent').length + unknown.length);
    expect(current.test.stack.queue.deadLetters).toEqual([]);
  });

  it('reaches everyone when SES throttles a third of the calls, with no throttling in any recipient state', async () => {
    current = await startFaultyStack('throttle', { fault: (n) => ({ kind: n % 3 === 1 ? 'throttle' : 'forward' }) });
    const recipients = await sendSample(current);
    await current.test.stack.drained();

    const { records } = await expectNoDuplicateAndNoLoss(current.test, SAMPLE_ISSUE_ID, recipients);
    expect(current.proxy.stats.throttled).toBeGreaterThan(0);
    expect(records.filter((r) => r.status !== 'sent')).toEqual([]);
  });

  it('retries the entries SES failed for a while, and records the entries it refused with SES’s reason', async () => {
    current = await startFaultyStack('partial', {
      fault: (n) =>
        n === 2
          ? { kind: 'fail-entries', indexes: [0], status: 'TRANSIENT_FAILURE' }
          : n === 4
            ? { kind: 'fail-entries', indexes: [0], status: 'MESSAGE_REJECTED' }
            : { kind: 'forward' },
    });
    const recipients = await sendSample(current);
    await current.test.stack.drained();

    const { records } = await expectNoDuplicateAndNoLoss(current.test, SAMPLE_ISSUE_ID, recipients);
    const failed = records.filter((r) => r.status === 'failed');
    expect(failed.map((r) => r.reason)).toEqual(['MESSAGE_REJECTED: injected by the fault proxy']);
    expect(records.filter((r) => r.status === 'sent')).toHaveLength(recipients - 1);
  });

  it('leaves out a subscriber who unsubscribes while the send runs, as unsubscribed', async () => {
    current = await startFaultyStack('unsubscribe');
    const leaving = generatedSubscriber(secon, 149, 'faults.example', '');
    // The senders wait (an event source switched off) until the audience is on the queue, the leaver in it.
    const { stack } = current.test;
    stack.queue.pause();
    const recipients = await sendSample(current);
    await stack.fanOutQueue.drained();
    const { unsubscribeUrl } = recipientLinks(
      { tokens: current.test.stack.services.tokens, publicUrl: current.test.stack.urls.api },
      leaving.id,
    );
    const left = await fetch(unsubscribeUrl, { method: 'POST', body: 'List-Unsubscribe=One-Click' });
    expect(left.status).toBeLessThan(400);
    stack.queue.resume();
    await stack.drained();

    const { records } = await expectNoDuplicateAndNoLoss(current.test, SAMPLE_ISSUE_ID, recipients);
    expect(records.find((r) => r.subscriberId === leaving.id)).toMatchObject({
      status: 'skipped',
      reason: 'unsubscribed',
    });
    const emails = await sentEmails(current.test.stack);
    expect(emails.flatMap((e) => e.destination.to)).not.toContain(leaving.email);
  });

  it('paces the senders together under the emulated quota, so no throttling reaches a recipient', async () => {
    current = await startFaultyStack('quota', { quotaPerSecond: 100, subscribers: 150, sendConcurrency: 8 });
    const recipients = await sendSample(current);
    await current.test.stack.drained();

    const records = await deliveryRecords(current.test, SAMPLE_ISSUE_ID);
    await expectNoDuplicateAndNoLoss(current.test, SAMPLE_ISSUE_ID, recipients);
    expect(records.filter((r) => r.status !== 'sent')).toEqual([]);
  });
});
