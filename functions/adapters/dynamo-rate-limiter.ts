// Fixed-window rate limits in DynamoDB: one counter item per (key, window), incremented while under the
// limit by a conditional update. Keys are pseudonyms (a keyed hash, never an IP or an email address). Items
// carry `expiresAt` for DynamoDB's TTL; the window is part of the item's id, so a stale one is never read
// (the embedded stack has no TTL, and needs none to be right).
import { DeleteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { whenConditionHolds } from './conditional-write.ts';
import type { FastDynamo } from './fast-dynamo.ts';
import type { RateLimiter } from '../domain/subscribers.ts';

export function createDynamoRateLimiter(
  client: DynamoDBDocumentClient,
  /** For `allow`, called twice by every signup. */
  fast: FastDynamo,
  tableName: string,
): RateLimiter {
  const windowOf = (now: Date, windowSeconds: number) => Math.floor(now.getTime() / 1000 / windowSeconds);
  const idOf = (key: string, windowSeconds: number, window: number) => `rate#${key}#${windowSeconds}#${window}`;
  return {
    async allow(key, limit, windowSeconds, now) {
      const window = windowOf(now, windowSeconds);
      return whenConditionHolds(
        fast.update({
          TableName: tableName,
          Key: { id: idOf(key, windowSeconds, window) },
          UpdateExpression: 'ADD hits :one SET expiresAt = :expires',
          ConditionExpression: 'attribute_not_exists(hits) OR hits < :limit',
          ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':expires': (window + 2) * windowSeconds },
        }),
      );
    },
    async forget(key, windowSeconds, now) {
      // An item lives until the end of the window after its own: this window's and the last may be there.
      const window = windowOf(now, windowSeconds);
      await Promise.all(
        [window, window - 1].map((w) =>
          client.send(new DeleteCommand({ TableName: tableName, Key: { id: idOf(key, windowSeconds, w) } })),
        ),
      );
    },
  };
}
