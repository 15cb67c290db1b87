// Subscribers by id, with the `audience` attribute the send index needs kept in step with the record. Every
// write is conditional: a change on the version it read, a signup on the status it finds, so nothing written
// here undoes an unsubscribe, a suppression or an erasure that landed first (dynalite has no transactions).
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  paginateScan,
  type DynamoDBDocumentClient,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { whenConditionHolds } from './conditional-write.ts';
import { batchGet } from './batch-get.ts';
import type { FastDynamo } from './fast-dynamo.ts';
import { ConflictError } from '../domain/errors.ts';
import {
  MAX_WRITE_ATTEMPTS,
  type SubscriberRecord,
  type SubscriberRepository,
  type SubscriberStatus,
} from '../domain/subscribers.ts';
import { audienceKey } from './dynamo-audience.ts';
import type { SubscriberListing } from '../domain/subscriber-admin.ts';

/** Items a scan reads per call: a page of the list never holds more than this many subscribers in memory. */
const SCAN_PAGE = 1000;

/**
 * The admins' list: the table scanned a page at a time, in its own order, from just after a subscriber's id. The rate
 * limiter's counters share the table; having no address, they are left out.
 */
export function createDynamoSubscriberListing(client: DynamoDBDocumentClient, tableName: string): SubscriberListing {
  return {
    async *scan({ after, fields }) {
      const names = Object.fromEntries(['email', ...(fields ?? [])].map((name) => [`#${name}`, name]));
      const pages = paginateScan(
        { client, pageSize: SCAN_PAGE },
        {
          TableName: tableName,
          FilterExpression: 'attribute_exists(#email)',
          ExpressionAttributeNames: names,
          ...(fields && { ProjectionExpression: ['id', ...Object.keys(names)].join(', ') }),
          ...(after && { ExclusiveStartKey: { id: after } }),
        },
      );
      for await (const page of pages) {
        yield (page.Items ?? []).map(({ audience: _audience, ...subscriber }) => subscriber as SubscriberRecord);
      }
    },
  };
}

/** Told of each write that changed a subscriber, with the record it replaced (the audience tallies keep in step). */
export type SubscriberChange = (
  before: SubscriberRecord | undefined,
  after: SubscriberRecord | undefined,
) => Promise<void>;

export function createDynamoSubscriberStore(
  client: DynamoDBDocumentClient,
  /** For the reads of every batch delivered and the creations of an import. */
  fast: FastDynamo,
  tableName: string,
  options: { onChange?: SubscriberChange } = {},
): SubscriberRepository {
  const item = (subscriber: SubscriberRecord) => ({ ...subscriber, audience: audienceKey(subscriber) });
  const changed = options.onChange ?? (async () => {});
  const withoutAudience = (attributes: Record<string, unknown> | undefined) => {
    if (!attributes) return undefined;
    const { audience: _audience, ...subscriber } = attributes;
    return subscriber as unknown as SubscriberRecord;
  };
  /** Status and tracking choice of up to 100 subscribers, in one read. */
  const sendStates = async (ids: readonly string[]) => {
    const items = await batchGet(
      fast,
      tableName,
      [...new Set(ids)].map((id) => ({ id })),
      { ProjectionExpression: 'id, #status, tracking', ExpressionAttributeNames: { '#status': 'status' } },
    );
    return new Map(
      items.map((item) => [
        item.id as string,
        { status: item.status as SubscriberStatus, tracking: item.tracking === true },
      ]),
    );
  };

  return {
    async get(id) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: { id }, ConsistentRead: true }));
      if (!Item) return undefined;
      const { audience: _audience, ...subscriber } = Item;
      return subscriber as SubscriberRecord;
    },
    sendStates,
    async statuses(ids) {
      return new Map([...(await sendStates(ids))].map(([id, state]) => [id, state.status]));
    },
    async create(subscriber, options = {}) {
      const created = await whenConditionHolds(
        fast.put({
          TableName: tableName,
          Item: item({ ...subscriber, version: 1 }),
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      );
      if (created && !options.untallied) await changed(undefined, subscriber);
      return created;
    },
    async replace(next, version) {
      let before: SubscriberRecord | undefined;
      const replaced = await whenConditionHolds(
        client
          .send(
            new PutCommand({
              TableName: tableName,
              Item: item({ ...next, version: version + 1 }),
              // A record written before versions counts as version 0.
              ...(version === 0
                ? { ConditionExpression: 'attribute_exists(id) AND attribute_not_exists(version)' }
                : { ConditionExpression: 'version = :version', ExpressionAttributeValues: { ':version': version } }),
              ReturnValues: 'ALL_OLD',
            }),
          )
          .then(({ Attributes }) => (before = withoutAudience(Attributes))),
      );
      if (replaced) await changed(before, next);
      return replaced;
    },
    async end(id, change) {
      const fields = Object.entries(change.fields).filter(([, value]) => value !== undefined);
      // What the change does not set goes: a held signup, an earlier unsubscribe's issue. The send index (audience)
      // goes too, since its key holds the status: an ended subscription is in no audience; the next full write of
      // the subscriber puts the key back, with the status then.
      const removed = [
        'pendingChange',
        'audience',
        ...(change.status === 'unsubscribed' ? ['unsubscribeIssueId'] : []),
      ].filter((name) => !fields.some(([field]) => field === name));
      const unless = change.unless.map((status, i) => [`:unless${i}`, status] as const);
      const command = new UpdateCommand({
        TableName: tableName,
        Key: { id },
        UpdateExpression:
          `SET #status = :status, version = if_not_exists(version, :zero) + :one` +
          fields.map(([name]) => `, #${name} = :${name}`).join('') +
          ` REMOVE ${removed.map((name) => `#${name}`).join(', ')}`,
        ConditionExpression: [
          'attribute_exists(id)',
          ...(unless.length > 0 ? [`NOT (#status IN (${unless.map(([name]) => name).join(', ')}))`] : []),
          ...(change.createdBy ? ['#createdAt <= :createdBy'] : []),
        ].join(' AND '),
        ExpressionAttributeNames: {
          '#status': 'status',
          ...(change.createdBy && { '#createdAt': 'createdAt' }),
          ...Object.fromEntries([...fields.map(([name]) => name), ...removed].map((name) => [`#${name}`, name])),
        },
        ExpressionAttributeValues: {
          ':status': change.status,
          ':zero': 0,
          ':one': 1,
          ...Object.fromEntries(fields.map(([name, value]) => [`:${name}`, value])),
          ...Object.fromEntries(unless),
          ...(change.createdBy && { ':createdBy': change.createdBy }),
        },
        // The subscriber this write replaced (growth counts who stopped being confirmed); the new one follows from it.
        ReturnValues: 'ALL_OLD',
      });
      try {
        const { Attributes } = await client.send(command);
        const { audience: _audience, ...previous } = (Attributes ?? {}) as SubscriberRecord & { audience?: string };
        const after = { ...previous, ...Object.fromEntries(fields), status: change.status } as SubscriberRecord;
        await changed(previous, after);
        const subscriber: Record<string, unknown> = {
          ...previous,
          ...Object.fromEntries(fields),
          status: change.status,
          version: (previous.version ?? 0) + 1,
        };
        for (const name of removed) delete subscriber[name];
        return { subscriber: subscriber as unknown as SubscriberRecord, changed: true, previous };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const subscriber = await this.get(id);
        return subscriber && { subscriber, changed: false };
      }
    },
    async signUp(pending, change) {
      // The common case (a new or pending address) is one write. A confirmed or unsubscribed subscriber gets the
      // change held by a second, excluding write; only a suppressed one, or a status that changed between the
      // two, costs a read.
      for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt += 1) {
        let before: SubscriberRecord | undefined;
        const stored = fast
          .update(replaceIfNewOrPending(tableName, pending))
          .then((attributes) => (before = withoutAudience(attributes)));
        if (await whenConditionHolds(stored)) {
          await changed(before, pending);
          return 'confirm';
        }
        const held = client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { id: pending.id },
            UpdateExpression: 'SET pendingChange = :change, version = if_not_exists(version, :zero) + :one',
            ConditionExpression: '#status IN (:confirmed, :unsubscribed)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':change': change,
              ':confirmed': 'confirmed',
              ':unsubscribed': 'unsubscribed',
              ':zero': 0,
              ':one': 1,
            },
          }),
        );
        if (await whenConditionHolds(held)) return 'confirm';
        const { Item } = await client.send(
          new GetCommand({
            TableName: tableName,
            Key: { id: pending.id },
            ProjectionExpression: '#status',
            ExpressionAttributeNames: { '#status': 'status' },
            ConsistentRead: true,
          }),
        );
        if (Item?.status === 'suppressed') return 'suppressed';
      }
      throw new ConflictError(`subscriber ${pending.id} kept changing; try again`);
    },
    async delete(id) {
      const { Attributes } = await client.send(
        new DeleteCommand({ TableName: tableName, Key: { id }, ReturnValues: 'ALL_OLD' }),
      );
      const removed = withoutAudience(Attributes);
      if (removed) await changed(removed, undefined);
      return removed;
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
  tracking: true,
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
  version: true,
  audience: true,
};

/** The pending record in place of nothing or of a pending signup, keeping the first `createdAt`. */
function replaceIfNewOrPending(tableName: string, pending: SubscriberRecord): UpdateCommandInput {
  const { id, createdAt, version: _version, ...fields } = { ...pending, audience: audienceKey(pending) };
  const set = Object.entries(fields).filter(([, value]) => value !== undefined);
  const setNames = new Set(set.map(([name]) => name));
  // What the pending record does not set goes, as with a put (an earlier signup's name...).
  const removed = Object.keys(ATTRIBUTES).filter(
    (name) => name !== 'createdAt' && name !== 'version' && !setNames.has(name),
  );
  const names = Object.fromEntries([...setNames, ...removed, 'createdAt', 'version'].map((name) => [`#${name}`, name]));
  return {
    TableName: tableName,
    Key: { id },
    UpdateExpression: [
      `SET ${[
        ...set.map(([name]) => `#${name} = :${name}`),
        '#createdAt = if_not_exists(#createdAt, :createdAt)',
        '#version = if_not_exists(#version, :zero) + :one',
      ].join(', ')}`,
      ...(removed.length > 0 ? [`REMOVE ${removed.map((name) => `#${name}`).join(', ')}`] : []),
    ].join(' '),
    ConditionExpression: 'attribute_not_exists(id) OR #status = :pending',
    ReturnValues: 'ALL_OLD',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: {
      ...Object.fromEntries(set.map(([name, value]) => [`:${name}`, value])),
      ':createdAt': createdAt,
      ':pending': 'pending',
      ':zero': 0,
      ':one': 1,
    },
  };
}
