// Subscribers by id, with the `audience` attribute the send index needs kept in step with the record.
import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { SubscriberRecord, SubscriberRepository, SubscriberStatus } from '../domain/subscribers.ts';
import { audienceKey } from './dynamo-audience.ts';

export function createDynamoSubscriberStore(client: DynamoDBDocumentClient, tableName: string): SubscriberRepository {
  return {
    async get(id) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: { id } }));
      if (!Item) return undefined;
      const { audience: _audience, ...subscriber } = Item;
      return subscriber as SubscriberRecord;
    },
    async statuses(ids) {
      const statuses = new Map<string, SubscriberStatus>();
      let keys: Record<string, unknown>[] | undefined = [...new Set(ids)].map((id) => ({ id }));
      while (keys && keys.length > 0) {
        const result: BatchGetCommandOutput = await client.send(
          new BatchGetCommand({
            RequestItems: {
              [tableName]: {
                Keys: keys,
                ProjectionExpression: 'id, #status',
                ExpressionAttributeNames: { '#status': 'status' },
              },
            },
          }),
        );
        for (const item of result.Responses?.[tableName] ?? [])
          statuses.set(item.id as string, item.status as SubscriberStatus);
        keys = result.UnprocessedKeys?.[tableName]?.Keys;
      }
      return statuses;
    },
    async put(subscriber) {
      await client.send(
        new PutCommand({ TableName: tableName, Item: { ...subscriber, audience: audienceKey(subscriber) } }),
      );
    },
    async delete(id) {
      await client.send(new DeleteCommand({ TableName: tableName, Key: { id } }));
    },
  };
}
