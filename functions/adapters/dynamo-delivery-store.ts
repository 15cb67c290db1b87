// Per-recipient delivery records: the conditional claim makes a redelivered batch skip who was already handled.
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  paginateQuery,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { batchGet } from './batch-get.ts';
import type { FastDynamo } from './fast-dynamo.ts';
import { whenConditionHolds } from './conditional-write.ts';
import { untilProcessed, type BackoffPolicy } from './unprocessed.ts';
import type { DeliveryRecord, DeliveryStore, MessageRecord } from '../domain/ports.ts';

export function createDynamoDeliveryStore(
  client: DynamoDBDocumentClient,
  /** For the calls made per recipient: claims, outcomes, SES events' marks and reads. */
  fast: FastDynamo,
  tableName: string,
  /** How unprocessed items of batch calls are sent again (tests pass a sleep that does not wait). */
  backoff?: Partial<BackoffPolicy>,
): DeliveryStore {
  return {
    async claim(issueId, batch, recipient, at) {
      return whenConditionHolds(
        fast.put({
          TableName: tableName,
          Item: {
            issueId,
            subscriberId: recipient.id,
            country: batch.country,
            language: batch.language,
            region: recipient.region,
            status: 'claimed',
            claimedAt: at,
          },
          ConditionExpression: 'attribute_not_exists(subscriberId)',
        }),
      );
    },
    async recordOutcomes(batch, claimedAt, outcomes) {
      const items = outcomes.map((o) => ({
        issueId: batch.issueId,
        subscriberId: o.recipient.id,
        country: batch.country,
        language: batch.language,
        region: o.recipient.region,
        claimedAt,
        status: o.status,
        [`${o.status}At`]: o.at,
        ...(o.status === 'sent'
          ? { messageId: o.messageId, ...(o.tracked && { tracked: true }) }
          : { reason: o.reason }),
      }));
      // 25 puts per BatchWriteItem, the unprocessed ones again with backoff.
      for (let i = 0; i < items.length; i += 25) {
        await untilProcessed(
          'BatchWriteItem',
          items.slice(i, i + 25),
          (chunk) => fast.batchPut(tableName, chunk),
          backoff,
        );
      }
    },
    async findByMessageId(messageId) {
      const { Items } = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'byMessageId',
          KeyConditionExpression: 'messageId = :id',
          ExpressionAttributeValues: { ':id': messageId },
          Limit: 1,
        }),
      );
      return Items?.[0] as DeliveryRecord | undefined;
    },
    async markOnce(issueId, subscriberId, field, at) {
      return whenConditionHolds(
        fast.update({
          TableName: tableName,
          Key: { issueId, subscriberId },
          UpdateExpression: 'SET #field = :at',
          ConditionExpression: 'attribute_exists(subscriberId) AND attribute_not_exists(#field)',
          ExpressionAttributeNames: { '#field': field },
          ExpressionAttributeValues: { ':at': at },
        }),
      );
    },
    async markMessage(issueId, subscriberId, messageId, field, at) {
      let marked: MessageRecord | undefined;
      const held = await whenConditionHolds(
        fast
          .update({
            TableName: tableName,
            Key: { issueId, subscriberId },
            UpdateExpression: 'SET #field = :at',
            ConditionExpression: 'messageId = :messageId AND attribute_not_exists(#field)',
            ExpressionAttributeNames: { '#field': field },
            ExpressionAttributeValues: { ':at': at, ':messageId': messageId },
            ReturnValues: 'ALL_NEW',
          })
          .then((attributes) => (marked = attributes as MessageRecord | undefined)),
      );
      return held ? marked : undefined;
    },
    async addToSet(issueId, subscriberId, field, value) {
      const { Attributes } = await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { issueId, subscriberId },
          UpdateExpression: 'ADD #field :value',
          ConditionExpression: 'attribute_exists(subscriberId)',
          ExpressionAttributeNames: { '#field': field },
          ExpressionAttributeValues: { ':value': new Set([value]) },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return (Attributes?.[field] as Set<number> | undefined)?.size ?? 0;
    },
    async get(issueId, subscriberId) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: { issueId, subscriberId } }));
      return Item as DeliveryRecord | undefined;
    },
    async delete(issueId, subscriberId) {
      const { Attributes } = await client.send(
        new DeleteCommand({ TableName: tableName, Key: { issueId, subscriberId }, ReturnValues: 'ALL_OLD' }),
      );
      return Attributes as DeliveryRecord | undefined;
    },
    async put(record) {
      await client.send(new PutCommand({ TableName: tableName, Item: record }));
    },
    async failClaim(issueId, subscriberId, claimedAt, reason, at) {
      return whenConditionHolds(
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { issueId, subscriberId },
            UpdateExpression: 'SET #status = :failed, reason = :reason, failedAt = :at',
            ConditionExpression: '#status = :claimed AND claimedAt = :claimedAt',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':failed': 'failed',
              ':claimed': 'claimed',
              ':claimedAt': claimedAt,
              ':reason': reason,
              ':at': at,
            },
          }),
        ),
      );
    },
    async failSent(issueId, subscriberId, { reason, failedAt, field, eventAt }) {
      return whenConditionHolds(
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { issueId, subscriberId },
            UpdateExpression: 'SET #status = :failed, reason = :reason, failedAt = :failedAt, #field = :eventAt',
            ConditionExpression: '#status = :sent',
            ExpressionAttributeNames: { '#status': 'status', '#field': field },
            ExpressionAttributeValues: {
              ':failed': 'failed',
              ':sent': 'sent',
              ':reason': reason,
              ':failedAt': failedAt,
              ':eventAt': eventAt,
            },
          }),
        ),
      );
    },
    async getMany(issueId, subscriberIds) {
      const keys = [...new Set(subscriberIds)].map((subscriberId) => ({ issueId, subscriberId }));
      return batchGet<DeliveryRecord>(fast, tableName, keys, { ConsistentRead: true }, backoff);
    },
    async *records(issueId) {
      const pages = paginateQuery(
        { client },
        {
          TableName: tableName,
          KeyConditionExpression: 'issueId = :issueId',
          ExpressionAttributeValues: { ':issueId': issueId },
          ConsistentRead: true,
        },
      );
      for await (const page of pages) yield (page.Items ?? []) as DeliveryRecord[];
    },
    async release(issueId, subscriberId) {
      await client.send(
        new DeleteCommand({
          TableName: tableName,
          Key: { issueId, subscriberId },
          ConditionExpression: '#status = :claimed',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':claimed': 'claimed' },
        }),
      );
    },
  };
}
