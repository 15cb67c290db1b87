// Fixed-window rate limits in DynamoDB: one counter item per (key, window), incremented while under the
// limit by a conditional update. Items carry `expiresAt` for DynamoDB's TTL; a stale one is never read.
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { whenConditionHolds } from './conditional-write.ts';
import type { RateLimiter } from '../domain/subscribers.ts';

export function createDynamoRateLimiter(client: DynamoDBDocumentClient, tableName: string): RateLimiter {
  return {
    async allow(key, limit, windowSeconds, now) {
      const window = Math.floor(now.getTime() / 1000 / windowSeconds);
      return whenConditionHolds(
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { id: `rate#${key}#${windowSeconds}#${window}` },
            UpdateExpression: 'ADD hits :one SET expiresAt = :expires',
            ConditionExpression: 'attribute_not_exists(hits) OR hits < :limit',
            ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':expires': (window + 2) * windowSeconds },
          }),
        ),
      );
    },
  };
}
