// Content records in DynamoDB: one item per record under its kind, the record's JSON as attributes.
import {
  BatchGetCommand,
  PutCommand,
  paginateQuery,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { ContentStore, RecordKind, RecordTypes } from '../domain/ports.ts';

const BATCH_GET_LIMIT = 100;

export function createDynamoContentStore(client: DynamoDBDocumentClient, tableName: string): ContentStore {
  const strip = <T>(item: Record<string, unknown>): T => {
    const { kind: _kind, ...record } = item;
    return record as T;
  };
  return {
    async put(kind, record) {
      await client.send(new PutCommand({ TableName: tableName, Item: { ...record, kind } }));
    },
    async getMany<K extends RecordKind>(kind: K, ids: readonly string[]) {
      const found = new Map<string, RecordTypes[K]>();
      const unique = [...new Set(ids)];
      for (let i = 0; i < unique.length; i += BATCH_GET_LIMIT) {
        let keys: Record<string, unknown>[] | undefined = unique
          .slice(i, i + BATCH_GET_LIMIT)
          .map((id) => ({ kind, id }));
        while (keys && keys.length > 0) {
          const result: BatchGetCommandOutput = await client.send(
            new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys } } }),
          );
          for (const item of result.Responses?.[tableName] ?? []) found.set(item.id as string, strip(item));
          keys = result.UnprocessedKeys?.[tableName]?.Keys;
        }
      }
      return ids.flatMap((id) => found.get(id) ?? []);
    },
    async list<K extends RecordKind>(kind: K) {
      const records: RecordTypes[K][] = [];
      const pages = paginateQuery(
        { client },
        { TableName: tableName, KeyConditionExpression: 'kind = :kind', ExpressionAttributeValues: { ':kind': kind } },
      );
      for await (const page of pages) records.push(...(page.Items ?? []).map((item) => strip<RecordTypes[K]>(item)));
      return records;
    },
  };
}
