// Unit tests of the metrics as a Lambda prints them (EMF on stdout): a Sender invocation reports the recipients it
// sent and failed and the throttling SES answered with, once, at its end.
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { SQSEvent } from 'aws-lambda';
import { createSenderHandler } from '../../functions/handlers/sender.ts';
import { createTokens } from '../../functions/domain/tokens.ts';
import type { Recipient, SendBatch } from '../../functions/domain/ports.ts';
import type { DeliveryServices } from '../../functions/wiring/delivery-services.ts';
import { lambdaEntry } from '../../functions/wiring/lambda-entry.ts';
import { sqsEvent } from '../../local/queue.ts';
import { fakeDeliveryStore, fakeIssueStore, fakeMailer, fixedClock } from './fakes.ts';

// Metrics are recorded in Lambda only; this file records them as a Lambda would (read when metrics.ts loads).
const previous = vi.hoisted(() => {
  const setting = process.env.POWERTOOLS_METRICS_DISABLED;
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  return setting;
});
afterAll(() => {
  if (previous === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
  else process.env.POWERTOOLS_METRICS_DISABLED = previous;
});

const recipients: Recipient[] = ['ana', 'boris', 'vera'].map((name) => ({
  id: name,
  email: `${name}@example.bg`,
  region: 'Haskovo',
}));
const batch: SendBatch = { issueId: 'issue-1', country: 'BG', language: 'bg', recipients };

/** A Sender whose SES throttles the first call and refuses vera's address for good. */
async function sender() {
  const issues = fakeIssueStore();
  await issues.putEdition('issue-1', {
    language: 'bg',
    subject: 'Бюлетин',
    html: '<p>Здравейте</p>',
    text: 'Здравейте',
  });
  const { mailer } = fakeMailer({
    throwOnCall: (n) => n === 1,
    fail: (entry) => (entry.to.startsWith('vera') ? { error: 'FAILED: address rejected', retry: false } : undefined),
  });
  const services = {
    config: { sending: { maxReceives: 5 } },
    issues,
    deliveries: fakeDeliveryStore(),
    mailer,
    pacer: { acquire: async () => {} },
    policy: { claimTimeoutMs: 60_000, throttleAttempts: 3, backoffMs: 100 },
    sleep: async () => {},
    clock: fixedClock,
    tokens: createTokens(Buffer.from('a-test-key-of-at-least-32-characters')),
    publicUrl: 'https://news.example',
    subscribers: {
      statuses: async (ids: readonly string[]) => new Map(ids.map((id) => [id, 'confirmed'])),
      sendStates: async (ids: readonly string[]) =>
        new Map(ids.map((id) => [id, { status: 'confirmed', tracking: true }])),
    },
    edition: issues.getEdition,
  } as unknown as DeliveryServices;
  return lambdaEntry(createSenderHandler(services));
}

/** The EMF lines a call printed on stdout. */
async function emfPrintedBy(call: () => Promise<unknown>) {
  const printed: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => printed.push(String(chunk)) > 0);
  try {
    await call();
  } finally {
    spy.mockRestore();
  }
  return printed
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as Record<string, unknown> & { _aws: { CloudWatchMetrics: unknown[] } });
}

describe('metrics of a Sender invocation', () => {
  it('prints the recipients sent and failed and the SES throttles in namespace Herald, once at its end', async () => {
    const handle = await sender();
    const event: SQSEvent = sqsEvent([JSON.stringify(batch)]);

    const [emf, ...more] = await emfPrintedBy(() => handle(event));

    expect(more).toEqual([]);
    expect(emf).toMatchObject({ RecipientsSent: 2, RecipientsFailed: 1, SesThrottles: 1, service: 'herald' });
    expect(emf?._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'Herald',
        Dimensions: [['service']],
        Metrics: expect.arrayContaining([{ Name: 'RecipientsSent', Unit: 'Count' }]),
      },
    ]);
  });

  it('prints nothing for a redelivered batch whose recipients were all handled', async () => {
    const handle = await sender();
    const event = sqsEvent([JSON.stringify(batch)]);
    await emfPrintedBy(() => handle(event));

    expect(await emfPrintedBy(() => handle(event))).toEqual([]);
  });
});
