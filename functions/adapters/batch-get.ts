// BatchGetItem for any number of keys: 100 per call (DynamoDB's limit), the unprocessed ones again with backoff.
import type { FastDynamo } from './fast-dynamo.ts';
import { untilProcessed, type BackoffPolicy } from './unprocessed.ts';

const BATCH_GET_LIMIT = 100;

type KeysAndAttributes = {
  ConsistentRead?: boolean;
  ProjectionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
};

/** The items found, in no particular order (a missing key is simply absent). */
export async function batchGet<Item = Record<string, unknown>>(
  dynamo: FastDynamo,
  tableName: string,
  keys: readonly Record<string, unknown>[],
  options: KeysAndAttributes = {},
  backoff?: Partial<BackoffPolicy>,
): Promise<Item[]> {
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < keys.length; i += BATCH_GET_LIMIT) {
    await untilProcessed(
      'BatchGetItem',
      keys.slice(i, i + BATCH_GET_LIMIT),
      async (pending) => {
        const result = await dynamo.batchGet(tableName, pending, options);
        items.push(...result.items);
        return result.unprocessed;
      },
      backoff,
    );
  }
  return items as Item[];
}
