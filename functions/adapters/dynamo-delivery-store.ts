// Per-recipient delivery records: the conditional claim makes a redelivered batch skip who was already handled.
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DeliveryRecord, DeliveryStore } from '../domain/ports.ts';

export function createDynamoDeliveryStore(client: DynamoDBDocumentClient, tableName: string): DeliveryStore {
  const finish = (issueId: string, subscriberId: string, fields: Record<string, string>) =>
    client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { issueId, subscriberId },
        UpdateExpression: `SET ${Object.keys(fields)
          .map((f) => `#${f} = :${f}`)
          .join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(Object.keys(fields).map((f) => [`#${f}`, f])),
        ExpressionAttributeValues: Object.fromEntries(Object.entries(fields).map(([f, v]) => [`:${f}`, v])),
      }),
    );
  return {
    async claim(issueId, batch, recipient, at) {
      try {
        await client.send(
          new PutCommand({
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
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
    async markSent(issueId, subscriberId, messageId, at) {
      await finish(issueId, subscriberId, { status: 'sent', messageId, sentAt: at });
    },
    async markFailed(issueId, subscriberId, reason, at) {
      await finish(issueId, subscriberId, { status: 'failed', reason, failedAt: at });
    },
    async markSkipped(issueId, subscriberId, reason, at) {
      await finish(issueId, subscriberId, { status: 'skipped', reason, skippedAt: at });
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
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { issueId, subscriberId },
            UpdateExpression: 'SET #field = :at',
            ConditionExpression: 'attribute_exists(subscriberId) AND attribute_not_exists(#field)',
            ExpressionAttributeNames: { '#field': field },
            ExpressionAttributeValues: { ':at': at },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
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
      await client.send(new DeleteCommand({ TableName: tableName, Key: { issueId, subscriberId } }));
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
