// Erasure marks in the subscribers table: keyed hashes (never addresses) in string sets spread over a few items
// (`#erasures#0` ... `#erasures#15`, no `audience` attribute, so no send index or list shows them). An erasure adds one
// with an atomic ADD; an import reads them all in one BatchGetItem, rather than one read per row. Erasures are
// requests of individuals, so 16 items of up to 400 KB (about 150,000 marks) are room enough.
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchGet } from './batch-get.ts';
import type { FastDynamo } from './fast-dynamo.ts';
import type { ErasureMarks } from '../domain/subscribers.ts';

const SHARDS = 16;
const shardOf = (key: string) => {
  let sum = 0;
  for (const char of key) sum = (sum + char.charCodeAt(0)) % SHARDS;
  return `#erasures#${sum}`;
};

export function createDynamoErasureMarks(
  client: DynamoDBDocumentClient,
  fast: FastDynamo,
  tableName: string,
): ErasureMarks {
  return {
    async add(key) {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { id: shardOf(key) },
          UpdateExpression: 'ADD marks :key',
          ExpressionAttributeValues: { ':key': new Set([key]) },
        }),
      );
    },
    async all() {
      const items = await batchGet<{ marks?: Set<string> }>(
        fast,
        tableName,
        Array.from({ length: SHARDS }, (_, i) => ({ id: `#erasures#${i}` })),
        { ProjectionExpression: 'marks', ConsistentRead: true },
      );
      return new Set(items.flatMap((item) => [...(item.marks ?? [])]));
    },
  };
}
