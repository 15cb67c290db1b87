// Erasure marks in the subscribers table: one item per erased mailbox, its id a keyed hash (`erased:...`), no
// address, no date, no `audience` attribute (so no send index or list ever shows it).
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchGet } from './batch-get.ts';
import type { ErasureMarks } from '../domain/subscribers.ts';

export function createDynamoErasureMarks(client: DynamoDBDocumentClient, tableName: string): ErasureMarks {
  return {
    async add(key) {
      await client.send(new PutCommand({ TableName: tableName, Item: { id: key } }));
    },
    async marked(keys) {
      if (keys.length === 0) return new Set();
      const items = await batchGet(
        client,
        tableName,
        [...new Set(keys)].map((id) => ({ id })),
        { ProjectionExpression: 'id' },
      );
      return new Set(items.map((item) => item.id as string));
    },
  };
}
