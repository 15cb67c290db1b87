// A local-time send's starts in the issues table, one item beside the issue (sk `STARTS`): the date and hour, the
// starts, a state per start (`states.<n>`, each moved by a conditional write) and, once the first start planned the
// send, each start's segments.
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { whenConditionHolds } from './conditional-write.ts';
import type { LocalStart, SendStarts, StartState, StoredStart } from '../domain/local-time.ts';

/** The starts item's sort key; dynamo-issue-store.ts deletes it with a draft. */
export const STARTS_SK = 'STARTS';

export function createDynamoSendStarts(client: DynamoDBDocumentClient, tableName: string): SendStarts {
  const key = (issueId: string) => ({ issueId, sk: STARTS_SK });
  return {
    async put(issueId, localTime, starts) {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...key(issueId),
            localTime,
            starts,
            states: Object.fromEntries(starts.map((_, n) => [String(n), 'waiting'])),
          },
        }),
      );
    },
    async get(issueId) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: key(issueId), ConsistentRead: true }),
      );
      if (!Item) return undefined;
      const states = (Item.states ?? {}) as Record<string, StartState>;
      const segments = Item.segments as StoredStart['segments'][] | undefined;
      return {
        localTime: Item.localTime,
        starts: (Item.starts as LocalStart[]).map((start, n) => ({
          ...start,
          state: states[String(n)] ?? 'waiting',
          ...(segments?.[n] && { segments: segments[n] }),
        })),
      };
    },
    async move(issueId, n, from, to) {
      return whenConditionHolds(
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(issueId),
            UpdateExpression: 'SET #states.#n = :to',
            ConditionExpression: '#states.#n = :from',
            ExpressionAttributeNames: { '#states': 'states', '#n': String(n) },
            ExpressionAttributeValues: { ':from': from, ':to': to },
          }),
        ),
      );
    },
    async planSegments(issueId, segments) {
      return whenConditionHolds(
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(issueId),
            UpdateExpression: 'SET #segments = :segments',
            ConditionExpression: 'attribute_exists(issueId) AND attribute_not_exists(#segments)',
            ExpressionAttributeNames: { '#segments': 'segments' },
            ExpressionAttributeValues: { ':segments': segments },
          }),
        ),
      );
    },
    async remove(issueId) {
      await client.send(new DeleteCommand({ TableName: tableName, Key: key(issueId) }));
    },
  };
}
