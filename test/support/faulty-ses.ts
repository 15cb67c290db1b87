// An embedded stack whose SES calls pass through the fault-injecting proxy, and the checks every fault test
// makes: nobody got the issue twice, and every recipient ended in a final state the progress report shows.
import { expect } from 'vitest';
import { startSesEmulator } from '../../local/emulators.ts';
import { startSesFaultProxy, type FaultProxy, type FaultProxyOptions } from '../../local/ses-fault-proxy.ts';
import { generateSubscribers } from '../../local/generate-subscribers.ts';
import { audienceOf } from '../../functions/domain/audience.ts';
import type { DeliveryRecord } from '../../functions/domain/ports.ts';
import { OUTCOME_UNKNOWN } from '../../functions/domain/progress.ts';
import { sentEmails, startTestStack, type TestStack } from './embedded-stack.ts';

export const ADMIN_TOKEN = 'fault-suite-token-0123456789';

export interface FaultyStack {
  test: TestStack;
  proxy: FaultProxy;
  /** Confirmed subscribers when the send starts. */
  audience(): Promise<number>;
  api(path: string, init?: RequestInit): Promise<Response>;
  dispose(): Promise<void>;
}

export async function startFaultyStack(
  name: string,
  options: Omit<FaultProxyOptions, 'target'> & { subscribers?: number; sendConcurrency?: number } = {},
): Promise<FaultyStack> {
  const ses = await startSesEmulator(0);
  const proxy = await startSesFaultProxy({ ...options, target: ses.url });
  const previous = process.env.AWS_ENDPOINT_URL_SES;
  process.env.AWS_ENDPOINT_URL_SES = proxy.url;
  const test = await startTestStack(name, {
    adminToken: ADMIN_TOKEN,
    retryAfterSeconds: 1,
    ...(options.sendConcurrency && { sendConcurrency: options.sendConcurrency }),
  });
  const { stack } = test;
  await generateSubscribers(
    stack.services.reference,
    stack.clients.dynamo,
    stack.services.config.tables.subscribers!,
    options.subscribers ?? 150,
    {
      domain: 'faults.example',
      tallies: stack.services.tallies,
    },
  );
  return {
    test,
    proxy,
    async audience() {
      return (await audienceOf(test.stack.services, undefined)).total;
    },
    api: (path, init = {}) =>
      fetch(`${test.stack.urls.api}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', ...init.headers },
      }),
    async dispose() {
      await test.dispose();
      await proxy.close();
      await ses.close();
      if (previous === undefined) delete process.env.AWS_ENDPOINT_URL_SES;
      else process.env.AWS_ENDPOINT_URL_SES = previous;
    },
  };
}

export async function deliveryRecords(test: TestStack, issueId: string): Promise<DeliveryRecord[]> {
  const all: DeliveryRecord[] = [];
  for await (const page of test.stack.services.deliveries.records(issueId)) all.push(...page);
  return all;
}

/**
 * The guarantees of every fault: no address got the issue twice; every recipient has a final record (sent,
 * failed with a reason, skipped); whoever is recorded sent got exactly one email; the progress report agrees.
 */
export async function expectNoDuplicateAndNoLoss(
  test: TestStack,
  issueId: string,
  recipients: number,
  /** How the send ended: `cancelled` lets recipients end cancelled too. */
  ended: 'sent' | 'cancelled' = 'sent',
) {
  const finals = ended === 'cancelled' ? ['sent', 'failed', 'skipped', 'cancelled'] : ['sent', 'failed', 'skipped'];
  const emails = await sentEmails(test.stack);
  const received = new Map<string, number>();
  for (const email of emails) for (const to of email.destination.to) received.set(to, (received.get(to) ?? 0) + 1);
  const twice = [...received].filter(([, n]) => n > 1);
  expect(twice, 'addresses that got the issue twice').toEqual([]);

  const records = await deliveryRecords(test, issueId);
  expect(records).toHaveLength(recipients);
  expect(records.filter((r) => !finals.includes(r.status))).toEqual([]);
  expect(records.filter((r) => r.status !== 'sent' && !r.reason)).toEqual([]);

  const { subscribers } = test.stack.services;
  const recorded = new Set<string>();
  for (const record of records) {
    const email = (await subscribers.get(record.subscriberId))?.email ?? '';
    recorded.add(email);
    const n = received.get(email) ?? 0;
    if (record.status === 'sent') expect(n, `emails to ${email}`).toBe(1);
    else if (record.reason !== OUTCOME_UNKNOWN) expect(n, `emails to ${email}`).toBe(0);
  }
  expect(
    [...received.keys()].filter((to) => !recorded.has(to)),
    'emails without a delivery record',
  ).toEqual([]);

  const issue = (await test.stack.services.issues.get(issueId))!;
  expect(issue.status).toBe(ended);
  const total = await test.stack.services.counters.readTotal(issueId);
  const count = (status: string) => records.filter((r) => r.status === status).length;
  expect(total).toMatchObject({
    recipients,
    sent: count('sent'),
    failed: count('failed'),
    skipped: count('skipped'),
    cancelled: count('cancelled'),
  });
  return { records, received };
}
