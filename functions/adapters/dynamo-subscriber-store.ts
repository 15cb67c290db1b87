// Subscribers by id, with the `audience` attribute the send index needs kept in step with the record.
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Subscriber } from '../domain/records.ts';
import { audienceKey } from './dynamo-audience.ts';

export interface SubscriberStore {
  put(subscriber: Subscriber): Promise<void>;
}

export function createDynamoSubscriberStore(client: DynamoDBDocumentClient, tableName: string): SubscriberStore {
  return {
    async put(subscriber) {
      await client.send(
        new PutCommand({ TableName: tableName, Item: { ...subscriber, audience: audienceKey(subscriber) } }),
      );
    },
  };
}
