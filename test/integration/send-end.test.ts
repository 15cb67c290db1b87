// How a send ends on the embedded stack: its counts agree with its delivery records even when a sender stopped
// between recording a batch and counting it, and SES refusing a message after the send turns its recipient failed.
import { afterEach, describe, expect, it } from 'vitest';
import { SAMPLE_ISSUE_ID } from '../support/profile.ts';
import type { DeliveryRecord } from '../../functions/domain/ports.ts';
import type { Progress } from '../../functions/domain/progress.ts';
import { startTestStack, type TestStack } from '../support/embedded-stack.ts';
import reject from '../fixtures/ses-events/reject.json' with { type: 'json' };
import { until } from '../support/until.ts';

const TOKEN = 'send-end-token-0123456789abcdef';
let test: TestStack | undefined;
afterEach(async () => {
  await test?.dispose();
  test = undefined;
});

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${test!.stack.urls.api}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...init.headers },
  });

const issue = async () =>
  (await (await api(`/api/issues/${SAMPLE_ISSUE_ID}`)).json()) as { status: string; progress: Progress };

async function records(): Promise<DeliveryRecord[]> {
  const all: DeliveryRecord[] = [];
  for await (const page of test!.stack.services.deliveries.records(SAMPLE_ISSUE_ID)) all.push(...page);
  return all;
}

const countOf = (all: DeliveryRecord[], status: string) => all.filter((r) => r.status === status).length;

describe('the end of a send', () => {
  it('ends sent with exact counts when a sender is killed between recording a batch and counting it', async () => {
    test = await startTestStack('send-end-killed', { adminToken: TOKEN, retryAfterSeconds: 1 });
    const { counters } = test.stack.services;
    const add = counters.add.bind(counters);
    let killed = 0;
    counters.add = async (issueId, increments) => {
      if (killed === 0 && increments.some((i) => i.counts.sent)) {
        killed += 1;
        throw new Error('Sender killed: task timed out');
      }
      return add(issueId, increments);
    };

    expect((await api(`/api/issues/${SAMPLE_ISSUE_ID}/send`, { method: 'POST' })).status).toBe(202);
    const ended = await until(issue, (i) => i.status === 'sent');

    expect(killed).toBe(1);
    expect(ended.status).toBe('sent');
    const all = await records();
    expect(all.length).toBeGreaterThan(0);
    expect(ended.progress.total).toMatchObject({
      recipients: all.length,
      sent: countOf(all, 'sent'),
      failed: countOf(all, 'failed'),
      skipped: countOf(all, 'skipped'),
      pending: 0,
    });
    for (const row of ended.progress.byCountry) {
      const inCountry = all.filter((r) => r.country === row.key);
      expect([row.recipients, row.sent], row.key).toEqual([inCountry.length, countOf(inCountry, 'sent')]);
    }
  });

  it('turns a recipient failed when SES rejects their message after the send, counted once', async () => {
    test = await startTestStack('send-end-reject', { adminToken: TOKEN });
    expect((await api(`/api/issues/${SAMPLE_ISSUE_ID}/send`, { method: 'POST' })).status).toBe(202);
    await test.stack.drained();
    const before = await issue();
    expect(before.status).toBe('sent');
    const record = (await records()).find((r) => r.status === 'sent' && r.messageId)!;
    const email = (await test.stack.services.subscribers.get(record.subscriberId))!.email;
    const event = {
      ...reject,
      mail: { ...reject.mail, messageId: record.messageId, destination: [email], tags: { issue: [SAMPLE_ISSUE_ID] } },
    };
    const post = () => api('/local/ses-events', { method: 'POST', body: JSON.stringify(event) });

    expect((await post()).status).toBe(202);
    const after = await issue();
    expect(after.progress.total).toMatchObject({
      sent: before.progress.total.sent - 1,
      failed: before.progress.total.failed + 1,
      pending: 0,
    });
    const country = (p: Progress) => p.byCountry.find((row) => row.key === record.country)!;
    expect(country(after.progress)).toMatchObject({
      sent: country(before.progress).sent - 1,
      failed: country(before.progress).failed + 1,
    });
    expect(await test.stack.services.deliveries.get(SAMPLE_ISSUE_ID, record.subscriberId)).toMatchObject({
      status: 'failed',
      reason: 'Reject: Bad content',
    });

    // SES repeats the event: nothing changes.
    expect((await post()).status).toBe(202);
    expect((await issue()).progress.total).toEqual(after.progress.total);
  });
});
