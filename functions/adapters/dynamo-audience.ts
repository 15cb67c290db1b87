// Reads a (country, language) segment's confirmed subscribers from the byAudience index, a page at a time.
import { QueryCommand, paginateQuery, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AudienceSource, Recipient } from '../domain/ports.ts';
import type { Subscriber } from '../domain/records.ts';
import type { Country, Language } from '../domain/reference.ts';

export const audienceKey = (s: Pick<Subscriber, 'country' | 'language' | 'status'>) =>
  `${s.country}#${s.language}#${s.status}`;

export function createDynamoAudience(client: DynamoDBDocumentClient, tableName: string): AudienceSource {
  const query = (country: Country, language: Language) => ({
    TableName: tableName,
    IndexName: 'byAudience',
    KeyConditionExpression: 'audience = :audience',
    ExpressionAttributeValues: { ':audience': audienceKey({ country, language, status: 'confirmed' }) },
  });
  return {
    async count(country, language) {
      let total = 0;
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new QueryCommand({ ...query(country, language), Select: 'COUNT', ExclusiveStartKey: startKey }),
        );
        total += page.Count ?? 0;
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return total;
    },
    async *pages(country, language, pageSize) {
      const pages = paginateQuery({ client, pageSize }, query(country, language));
      for await (const page of pages) {
        const recipients = (page.Items ?? []).map((item): Recipient & { topics: string[] } => ({
          id: item.id,
          email: item.email,
          region: item.region,
          topics: Array.isArray(item.topics) ? item.topics : [],
          ...(item.name && { name: item.name }),
        }));
        if (recipients.length > 0) yield recipients;
      }
    },
  };
}
