// Subscribers by id, with the `audience` attribute the send index needs kept in step with the record.
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { whenConditionHolds } from './conditional-write.ts';
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
    async signUp(pending, change) {
      // Two conditional writes that exclude each other; the second runs only for a confirmed subscriber, and
      // the loop only when the status changed between them.
      for (;;) {
        if (await whenConditionHolds(client.send(replaceUnlessConfirmed(tableName, pending)))) return;
        const held = client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { id: pending.id },
            UpdateExpression: 'SET pendingChange = :change',
            ConditionExpression: '#status = :confirmed',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':change': change, ':confirmed': 'confirmed' },
          }),
        );
        if (await whenConditionHolds(held)) return;
      }
    },
    async delete(id) {
      await client.send(new DeleteCommand({ TableName: tableName, Key: { id } }));
    },
  };
}

/** Every attribute a subscriber item may hold; a field added to SubscriberRecord and not listed does not compile. */
const ATTRIBUTES: Record<Exclude<keyof SubscriberRecord, 'id'> | 'audience', true> = {
  email: true,
  name: true,
  language: true,
  country: true,
  region: true,
  topics: true,
  status: true,
  createdAt: true,
  confirmedAt: true,
  unsubscribedAt: true,
  unsubscribeSource: true,
  unsubscribeIssueId: true,
  suppressedAt: true,
  suppressionReason: true,
  consent: true,
  pendingChange: true,
  audience: true,
};

/** The pending record in place of anything but a confirmed subscriber, keeping the first `createdAt`. */
function replaceUnlessConfirmed(tableName: string, pending: SubscriberRecord) {
  const { id, createdAt, ...fields } = { ...pending, audience: audienceKey(pending) };
  const set = Object.entries(fields).filter(([, value]) => value !== undefined);
  const setNames = new Set(set.map(([name]) => name));
  // What the pending record does not set goes, as with a put (an old unsubscribedAt, a pendingChange...).
  const removed = Object.keys(ATTRIBUTES).filter((name) => name !== 'createdAt' && !setNames.has(name));
  const names = Object.fromEntries([...setNames, ...removed, 'createdAt'].map((name) => [`#${name}`, name]));
  return new UpdateCommand({
    TableName: tableName,
    Key: { id },
    UpdateExpression: [
      `SET ${[...set.map(([name]) => `#${name} = :${name}`), '#createdAt = if_not_exists(#createdAt, :createdAt)'].join(', ')}`,
      ...(removed.length > 0 ? [`REMOVE ${removed.map((name) => `#${name}`).join(', ')}`] : []),
    ].join(' '),
    ConditionExpression: 'attribute_not_exists(id) OR #status <> :confirmed',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: {
      ...Object.fromEntries(set.map(([name, value]) => [`:${name}`, value])),
      ':createdAt': createdAt,
      ':confirmed': 'confirmed',
    },
  });
}
