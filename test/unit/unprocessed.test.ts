// Unit tests of DynamoDB's unprocessed items sent again: with growing pauses, a bounded number of times, for both the
// batched reads (BatchGetItem) and the outcome writes (BatchWriteItem).
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { batchGet } from '../../functions/adapters/batch-get.ts';
import { createDynamoDeliveryStore } from '../../functions/adapters/dynamo-delivery-store.ts';
import { fastDynamo } from '../../functions/adapters/fast-dynamo.ts';
import { UnprocessedItemsError } from '../../functions/domain/errors.ts';
import type { Outcome, SendBatch } from '../../functions/domain/ports.ts';

type Request = {
  RequestItems: Record<
    string,
    { Keys: { id: { S: string } }[] } | { PutRequest: { Item: { subscriberId: { S: string } } } }[]
  >;
};

/**
 * A DynamoDB client that leaves the last item of each call unprocessed for the first `unprocessedCalls` calls, and
 * records what each call asked for. A pause "waits" by being written down.
 */
function dynamoLeavingOneUnprocessed(unprocessedCalls: number) {
  const calls: string[][] = [];
  const pauses: number[] = [];
  const client = {
    send: async ({ input }: { input: Request }) => {
      const request = input.RequestItems.table!;
      const leaveOne = calls.length < unprocessedCalls;
      if (Array.isArray(request)) {
        calls.push(request.map((r) => r.PutRequest.Item.subscriberId.S));
        return { UnprocessedItems: leaveOne ? { table: request.slice(-1) } : {} };
      }
      calls.push(request.Keys.map((k) => k.id.S));
      const processed = leaveOne ? request.Keys.slice(0, -1) : request.Keys;
      return {
        Responses: { table: processed.map((k) => ({ ...k, found: { BOOL: true } })) },
        UnprocessedKeys: leaveOne ? { table: { Keys: request.Keys.slice(-1) } } : {},
      };
    },
  } as unknown as DynamoDBClient;
  const backoff = { sleep: async (ms: number) => void pauses.push(ms), random: () => 0.5 };
  return { client: fastDynamo(client), calls, pauses, backoff };
}

describe('unprocessed items', () => {
  it('reads the keys a BatchGetItem left unprocessed again, pausing longer each time', async () => {
    const { client, calls, pauses, backoff } = dynamoLeavingOneUnprocessed(2);
    const keys = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];

    const items = await batchGet<{ id: string }>(client, 'table', keys, {}, backoff);

    expect(items.map((i) => i.id).sort()).toEqual(['a', 'b', 'c']);
    expect(calls).toEqual([['a', 'b', 'c'], ['c'], ['c']]);
    expect(pauses).toEqual([25, 50]);
  });

  it('writes the outcomes a BatchWriteItem left unprocessed again, pausing longer each time', async () => {
    const { client, calls, pauses, backoff } = dynamoLeavingOneUnprocessed(2);
    const batch: SendBatch = { issueId: 'issue-1', country: 'BG', language: 'bg', recipients: [] };
    const outcomes: Outcome[] = ['ana', 'boris'].map((id) => ({
      recipient: { id, email: `${id}@example.bg`, region: 'Haskovo' },
      at: '2025-03-26T09:00:00Z',
      status: 'sent',
      messageId: `msg-${id}`,
    }));

    const unused = {} as DynamoDBDocumentClient;
    await createDynamoDeliveryStore(unused, client, 'table', backoff).recordOutcomes(
      batch,
      '2025-03-26T09:00:00Z',
      outcomes,
    );

    expect(calls).toEqual([['ana', 'boris'], ['boris'], ['boris']]);
    expect(pauses).toEqual([25, 50]);
  });

  it('gives up after its attempts, naming what is left, instead of looping for ever', async () => {
    const { client, calls, backoff } = dynamoLeavingOneUnprocessed(Infinity);

    const reading = batchGet(client, 'table', [{ id: 'a' }, { id: 'b' }], {}, { ...backoff, attempts: 4 });

    await expect(reading).rejects.toThrow(UnprocessedItemsError);
    await expect(reading).rejects.toThrow('BatchGetItem left 1 item(s) unprocessed after 4 attempts');
    expect(calls).toHaveLength(4);
  });

  it('keeps each pause within its ceiling', async () => {
    const { client, pauses, backoff } = dynamoLeavingOneUnprocessed(6);

    await batchGet(client, 'table', [{ id: 'a' }], {}, { ...backoff, random: () => 0.999, maxDelayMs: 300 });

    expect(pauses.map(Math.round)).toEqual([50, 100, 200, 300, 300, 300]);
  });
});
