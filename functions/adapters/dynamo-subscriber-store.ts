// Subscribers by id, with the `audience` attribute the send index needs kept in step with the record.
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchGet } from './batch-get.ts';
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
      const items = await batchGet(
        client,
        tableName,
        [...new Set(ids)].map((id) => ({ id })),
        { ProjectionExpression: 'id, #status', ExpressionAttributeNames: { '#status': 'status' } },
      );
      return new Map(items.map((item) => [item.id as string, item.status as SubscriberStatus]));
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
