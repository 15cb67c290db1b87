// DynamoDB calls on the hot paths (each recipient of a send, each SES event, each imported row) through the
// low-level client, whose middleware chain is built once per command class (`cacheMiddleware`); the document client
// refuses that option and rebuilds the chain on every call, about a quarter of a call's CPU. Inputs and outputs are
// the document client's plain values, marshalled here.
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { PutCommandInput, UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';

type Plain = Record<string, unknown>;
const toItem = (value: Plain) => marshall(value, { removeUndefinedValues: true });
const values = (input: { ExpressionAttributeValues?: Plain | undefined }) =>
  input.ExpressionAttributeValues && { ExpressionAttributeValues: toItem(input.ExpressionAttributeValues) };

export interface FastDynamo {
  put(input: PutCommandInput): Promise<void>;
  /** The attributes `ReturnValues` asks for, if any. */
  update(input: UpdateCommandInput): Promise<Plain | undefined>;
  /** One BatchWriteItem of puts (at most 25): the items DynamoDB left unprocessed. */
  batchPut<Item extends Plain>(tableName: string, items: readonly Item[]): Promise<Item[]>;
  /** One BatchGetItem (at most 100 keys): the items found, and the keys left unprocessed. */
  batchGet(
    tableName: string,
    keys: readonly Plain[],
    options: {
      ConsistentRead?: boolean;
      ProjectionExpression?: string;
      ExpressionAttributeNames?: Record<string, string>;
    },
  ): Promise<{ items: Plain[]; unprocessed: Plain[] }>;
}

/** `client` must be made with `cacheMiddleware: true` (functions/wiring/clients.ts). */
export function fastDynamo(client: DynamoDBClient): FastDynamo {
  return {
    async put(input) {
      await client.send(new PutItemCommand({ ...input, Item: toItem(input.Item ?? {}), ...values(input) }));
    },
    async update(input) {
      const { Attributes } = await client.send(
        new UpdateItemCommand({ ...input, Key: toItem(input.Key ?? {}), ...values(input) }),
      );
      return Attributes && unmarshall(Attributes);
    },
    async batchPut(tableName, items) {
      const { UnprocessedItems } = await client.send(
        new BatchWriteItemCommand({
          RequestItems: { [tableName]: items.map((item) => ({ PutRequest: { Item: toItem(item) } })) },
        }),
      );
      return (UnprocessedItems?.[tableName] ?? []).flatMap((r) =>
        r.PutRequest?.Item ? [unmarshall(r.PutRequest.Item) as (typeof items)[number]] : [],
      );
    },
    async batchGet(tableName, keys, options) {
      const { Responses, UnprocessedKeys } = await client.send(
        new BatchGetItemCommand({ RequestItems: { [tableName]: { ...options, Keys: keys.map(toItem) } } }),
      );
      return {
        items: (Responses?.[tableName] ?? []).map((item) => unmarshall(item)),
        unprocessed: (UnprocessedKeys?.[tableName]?.Keys ?? []).map((key) => unmarshall(key)),
      };
    },
  };
}
