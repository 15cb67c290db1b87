// Content records in DynamoDB: one item per record under its kind, the record's JSON as attributes.
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  paginateQuery,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { batchGet } from './batch-get.ts';
import type { FastDynamo } from './fast-dynamo.ts';
import { whenConditionHolds } from './conditional-write.ts';
import type { ContentStore, RecordFilter, RecordKind, RecordTypes } from '../domain/ports.ts';

/** Titles for highlights and practices, labels for indicators. */
const TEXT_FIELD: Record<RecordKind, string> = {
  highlight: 'title',
  practice: 'title',
  indicator: 'label',
};

function filterExpression(kind: RecordKind, filter: RecordFilter) {
  const conditions: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  if (filter.country) {
    conditions.push('#country = :country');
    names['#country'] = 'country';
    values[':country'] = filter.country;
  }
  if (filter.language) {
    conditions.push('attribute_exists(#text.#lang)');
    names['#text'] = TEXT_FIELD[kind];
    names['#lang'] = filter.language;
  }
  if (filter.from) {
    conditions.push('#startDate >= :from');
    names['#startDate'] = 'startDate';
    values[':from'] = filter.from;
  }
  if (filter.to) {
    conditions.push('#startDate <= :to');
    names['#startDate'] = 'startDate';
    values[':to'] = filter.to;
  }
  return { conditions, names, values };
}

export function createDynamoContentStore(
  client: DynamoDBDocumentClient,
  fast: FastDynamo,
  tableName: string,
): ContentStore {
  const strip = <T>(item: Record<string, unknown>): T => {
    const { kind: _kind, ...record } = item;
    return record as T;
  };
  const conditionalPut = async (item: Record<string, unknown>, condition: string) => {
    return whenConditionHolds(
      client.send(new PutCommand({ TableName: tableName, Item: item, ConditionExpression: condition })),
    );
  };
  return {
    async put(kind, record) {
      await client.send(new PutCommand({ TableName: tableName, Item: { ...record, kind } }));
    },
    create: (kind, record) => conditionalPut({ ...record, kind }, 'attribute_not_exists(id)'),
    replace: (kind, record) => conditionalPut({ ...record, kind }, 'attribute_exists(id)'),
    async remove(kind, id) {
      const { Attributes } = await client.send(
        new DeleteCommand({ TableName: tableName, Key: { kind, id }, ReturnValues: 'ALL_OLD' }),
      );
      return Attributes !== undefined;
    },
    async get<K extends RecordKind>(kind: K, id: string) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: { kind, id } }));
      return Item ? strip<RecordTypes[K]>(Item) : undefined;
    },
    async getMany<K extends RecordKind>(kind: K, ids: readonly string[]) {
      const keys = [...new Set(ids)].map((id) => ({ kind, id }));
      const found = new Map(
        (await batchGet(fast, tableName, keys)).map(
          (item) => [item.id as string, strip<RecordTypes[K]>(item)] as const,
        ),
      );
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
    async page<K extends RecordKind>(kind: K, filter: RecordFilter, limit: number, after?: string) {
      const { conditions, names, values } = filterExpression(kind, filter);
      const items: RecordTypes[K][] = [];
      let startKey: Record<string, unknown> | undefined = after ? { kind, id: after } : undefined;
      // A filter applies after DynamoDB reads a page, so pages can come back short: read on until full.
      do {
        const result = await client.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: '#kind = :kind',
            ...(conditions.length > 0 && { FilterExpression: conditions.join(' AND ') }),
            ExpressionAttributeNames: { '#kind': 'kind', ...names },
            ExpressionAttributeValues: { ':kind': kind, ...values },
            ExclusiveStartKey: startKey,
            Limit: limit + 1,
          }),
        );
        for (const item of result.Items ?? []) items.push(strip<RecordTypes[K]>(item));
        startKey = result.LastEvaluatedKey;
      } while (startKey && items.length <= limit);
      // One record beyond the page was read only if there is a next page.
      const pageItems = items.slice(0, limit);
      const last = pageItems.at(-1) as { id: string } | undefined;
      return { items: pageItems, ...(items.length > limit && last && { after: last.id }) };
    },
  };
}
