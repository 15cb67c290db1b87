// Reads a (country, language) segment's confirmed subscribers from the byAudience index, a page at a time.
import { paginateQuery, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AudienceSource, Recipient } from '../domain/ports.ts';
import type { Subscriber } from '../domain/records.ts';

export const audienceKey = (s: Pick<Subscriber, 'country' | 'language' | 'status'>) =>
  `${s.country}#${s.language}#${s.status}`;

export function createDynamoAudience(client: DynamoDBDocumentClient, tableName: string): AudienceSource {
  return {
    async *pages(country, language, pageSize) {
      const pages = paginateQuery(
        { client, pageSize },
        {
          TableName: tableName,
          IndexName: 'byAudience',
          KeyConditionExpression: 'audience = :audience',
          ExpressionAttributeValues: { ':audience': audienceKey({ country, language, status: 'confirmed' }) },
        },
      );
      for await (const page of pages) {
        const recipients = (page.Items ?? []).map((item): Recipient => ({
          id: item.id,
          email: item.email,
          region: item.region,
          ...(item.name && { name: item.name }),
        }));
        if (recipients.length > 0) yield recipients;
      }
    },
  };
}
