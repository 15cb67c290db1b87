// The delivery records' batched reads on dynalite: a resumed fan-out reads a page of 500 subscribers' records
// at once, and an SES events batch up to 100; DynamoDB's BatchGetItem takes 100 keys per call.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/embedded-stack.ts';
import type { Recipient } from '../../functions/domain/ports.ts';

let test: TestStack;
beforeAll(async () => {
  test = await startTestStack('delivery-records', { adminToken: 'delivery-records-0123456789abcdef' });
});
afterAll(() => test?.dispose());

describe('delivery records', () => {
  it('reads the records of a whole audience page (more than 100 recipients) in one call', async () => {
    const { deliveries } = test.stack.services;
    const recipients: Recipient[] = Array.from({ length: 250 }, (_, n) => ({
      id: `reader-${n}`,
      email: `reader-${n}@example.bg`,
      region: 'Haskovo',
    }));
    const at = new Date().toISOString();
    await deliveries.recordOutcomes({ issueId: 'many', country: 'BG', language: 'bg', recipients }, at, [
      ...recipients.map((recipient, n) => ({ recipient, at, status: 'sent' as const, messageId: `m-${n}` })),
    ]);
    const ids = [...recipients.map((r) => r.id), 'nobody', 'reader-0'];
    const found = await deliveries.getMany('many', ids);
    expect(found).toHaveLength(250);
    expect(new Set(found.map((d) => d.subscriberId))).toEqual(new Set(recipients.map((r) => r.id)));
  });
});
