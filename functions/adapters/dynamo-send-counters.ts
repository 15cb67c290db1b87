// An issue's counters (`COUNTER#<dimension>#<key>` under the issue's partition key) and the fan-out's bookkeeping on
// the total's item: what progress.ts counts, in the issues table.
import { GetCommand, UpdateCommand, paginateQuery, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { whenConditionHolds } from './conditional-write.ts';
import type { FastDynamo } from './fast-dynamo.ts';
import type { SegmentCounter, SegmentCounts, SendCounters } from '../domain/ports.ts';
import { EMPTY_COUNTS } from '../domain/progress.ts';

const counter = (dimension: string, key: string) => `COUNTER#${dimension}#${key}`;
const TOTAL = counter('total', 'all');

const COUNT_NAMES = Object.keys(EMPTY_COUNTS) as (keyof SegmentCounts)[];
/** The counts the sender keeps (the others come from SES events and tracking). */
const SENDING_COUNTS = ['recipients', 'sent', 'measured', 'failed', 'skipped', 'cancelled'] as const;
const countsOf = (item: Record<string, unknown> | undefined): SegmentCounts =>
  Object.fromEntries(COUNT_NAMES.map((name) => [name, Number(item?.[name] ?? 0)])) as unknown as SegmentCounts;

/** Every counter in `existing` gets its sending counts set: to the values `given`, the others to 0. */
function sendingCountWrites(existing: SegmentCounter[], given: SegmentCounter[]): [string, SegmentCounter][] {
  const zeroed = existing.map((c) => ({ ...c, ...Object.fromEntries(SENDING_COUNTS.map((n) => [n, 0])) }));
  return [...new Map([...zeroed, ...given].map((c) => [counter(c.dimension, c.key), c]))];
}

/**
 * The update that sets one counter's sending counts. `forgetEnqueued` also forgets which segments were enqueued
 * (the recount before a resumed fan-out); `unchangedSince` makes it conditional on the sending counts being
 * still those read (a counter not read then must still have none).
 */
function setSendingCounts(
  tableName: string,
  key: { issueId: string; sk: string },
  c: SegmentCounter,
  options: { forgetEnqueued?: boolean; unchangedSince?: SegmentCounter | undefined },
) {
  const was = options.unchangedSince;
  const conditional = 'unchangedSince' in options;
  // DynamoDB refuses values the expressions do not use: `:zero` only where a count was 0 (or absent).
  const unchanged = SENDING_COUNTS.map((n) =>
    was?.[n]
      ? [`#${n} = :was_${n}`, { [`:was_${n}`]: was[n] }]
      : [`(attribute_not_exists(#${n}) OR #${n} = :zero)`, { ':zero': 0 }],
  ) as [string, Record<string, number>][];
  return new UpdateCommand({
    TableName: tableName,
    Key: key,
    UpdateExpression: `SET dimension = :dimension, #key = :key, ${SENDING_COUNTS.map((n) => `#${n} = :${n}`).join(', ')}${
      options.forgetEnqueued ? ' REMOVE enqueuedSegments' : ''
    }`,
    ...(conditional && { ConditionExpression: unchanged.map(([condition]) => condition).join(' AND ') }),
    ExpressionAttributeNames: { '#key': 'key', ...Object.fromEntries(SENDING_COUNTS.map((n) => [`#${n}`, n])) },
    ExpressionAttributeValues: {
      ':dimension': c.dimension,
      ':key': c.key,
      ...Object.fromEntries(SENDING_COUNTS.map((n) => [`:${n}`, c[n]])),
      ...(conditional && Object.assign({}, ...unchanged.map(([, values]) => values))),
    },
  });
}

export function createDynamoSendCounters(
  client: DynamoDBDocumentClient,
  /** For `add`, called by every batch delivered and every batch of SES events. */
  fast: FastDynamo,
  tableName: string,
): SendCounters {
  const readTotal = async (issueId: string) => {
    const { Item } = await client.send(
      new GetCommand({ TableName: tableName, Key: { issueId, sk: TOTAL }, ConsistentRead: true }),
    );
    const planned = Item?.plannedSegments as number | undefined;
    const enqueued = (Item?.enqueuedSegments as Set<string> | undefined)?.size ?? 0;
    return { ...countsOf(Item), audienceComplete: planned !== undefined && enqueued >= planned };
  };

  const countersWithPrefix = async (issueId: string, prefix: string) => {
    const counters: SegmentCounter[] = [];
    const pages = paginateQuery(
      { client },
      {
        TableName: tableName,
        KeyConditionExpression: 'issueId = :id AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':id': issueId, ':prefix': prefix },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? [])
        counters.push({ dimension: item.dimension, key: item.key, ...countsOf(item) });
    }
    return counters;
  };

  return {
    async add(issueId, increments) {
      await Promise.all(
        increments.map(({ dimension, key, counts }) => {
          const names = Object.entries(counts).filter(([, n]) => n !== undefined && n !== 0);
          if (names.length === 0) return undefined;
          return fast.update({
            TableName: tableName,
            Key: { issueId, sk: counter(dimension, key) },
            UpdateExpression: `SET dimension = :dimension, #key = :key ADD ${names.map(([n]) => `#${n} :${n}`).join(', ')}`,
            ExpressionAttributeNames: { '#key': 'key', ...Object.fromEntries(names.map(([n]) => [`#${n}`, n])) },
            ExpressionAttributeValues: {
              ':dimension': dimension,
              ':key': key,
              ...Object.fromEntries(names.map(([n, v]) => [`:${n}`, v])),
            },
          });
        }),
      );
    },
    async planSegments(issueId, segments) {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { issueId, sk: TOTAL },
          UpdateExpression: 'SET plannedSegments = :n, dimension = :total, #key = :all',
          ExpressionAttributeNames: { '#key': 'key' },
          ExpressionAttributeValues: { ':n': segments.length, ':total': 'total', ':all': 'all' },
        }),
      );
    },
    async markSegmentEnqueued(issueId, segment, recipients) {
      return whenConditionHolds(
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { issueId, sk: TOTAL },
            UpdateExpression: 'ADD enqueuedSegments :segments, recipients :n',
            ConditionExpression: 'attribute_not_exists(enqueuedSegments) OR NOT contains(enqueuedSegments, :segment)',
            ExpressionAttributeValues: { ':segments': new Set([segment]), ':segment': segment, ':n': recipients },
          }),
        ),
      );
    },
    async resetSendingCounts(issueId, given) {
      const existing = await countersWithPrefix(issueId, 'COUNTER#');
      await Promise.all(
        sendingCountWrites(existing, given).map(([sk, c]) =>
          client.send(setSendingCounts(tableName, { issueId, sk }, c, { forgetEnqueued: sk === TOTAL })),
        ),
      );
    },
    async reconcileSendingCounts(issueId, given, seen) {
      const before = new Map(seen.map((c) => [counter(c.dimension, c.key), c]));
      const applied = await Promise.all(
        sendingCountWrites(seen, given).map(([sk, c]) =>
          whenConditionHolds(
            client.send(setSendingCounts(tableName, { issueId, sk }, c, { unchangedSince: before.get(sk) })),
          ),
        ),
      );
      return applied.every(Boolean);
    },
    readTotal,
    all: (issueId) => countersWithPrefix(issueId, 'COUNTER#'),
    ofDimension: (issueId, dimension, keyPrefix = '') => countersWithPrefix(issueId, counter(dimension, keyPrefix)),
  };
}
