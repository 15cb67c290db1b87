// The audience's tallies in the issues table, apart from any issue: partition `AUDIENCE`, one item per
// (country, language, region, status), sk `<country>#<language>#<region>#<status>`, with `t:<topic set>` per topic
// set (functions/domain/audience.ts). A change is one atomic ADD per segment it touches; reading is one query.
import { paginateQuery, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FastDynamo } from './fast-dynamo.ts';
import type { AudienceTallies, SegmentTally, TallyIncrement } from '../domain/audience.ts';

const PARTITION = 'AUDIENCE';
const TOPIC_SET = 't:';
const segmentKey = (t: Pick<TallyIncrement, 'country' | 'language' | 'region' | 'status'>) =>
  `${t.country}#${t.language}#${t.region}#${t.status}`;

export function createDynamoAudienceTallies(
  client: DynamoDBDocumentClient,
  /** For `add`, called by every subscriber change. */
  fast: FastDynamo,
  tableName: string,
): AudienceTallies {
  return {
    async add(increments) {
      const bySegment = new Map<string, TallyIncrement[]>();
      for (const t of increments) {
        if (t.n === 0) continue;
        const changes = bySegment.get(segmentKey(t));
        if (changes) changes.push(t);
        else bySegment.set(segmentKey(t), [t]);
      }
      await Promise.all(
        [...bySegment].map(([sk, changes]) => {
          const [first] = changes as [TallyIncrement];
          const sums = new Map<string, number>();
          for (const t of changes) sums.set(t.topics, (sums.get(t.topics) ?? 0) + t.n);
          const added = [...sums].filter(([, n]) => n !== 0);
          if (added.length === 0) return undefined;
          return fast.update({
            TableName: tableName,
            Key: { issueId: PARTITION, sk },
            UpdateExpression: `SET country = :country, #language = :language, #region = :region, #status = :status ADD ${added
              .map((_, i) => `#t${i} :t${i}`)
              .join(', ')}`,
            ExpressionAttributeNames: {
              '#language': 'language',
              '#region': 'region',
              '#status': 'status',
              ...Object.fromEntries(added.map(([topics], i) => [`#t${i}`, `${TOPIC_SET}${topics}`])),
            },
            ExpressionAttributeValues: {
              ':country': first.country,
              ':language': first.language,
              ':region': first.region,
              ':status': first.status,
              ...Object.fromEntries(added.map(([, n], i) => [`:t${i}`, n])),
            },
          });
        }),
      );
    },
    async all() {
      const tallies: SegmentTally[] = [];
      const pages = paginateQuery(
        { client },
        {
          TableName: tableName,
          KeyConditionExpression: 'issueId = :partition',
          ExpressionAttributeValues: { ':partition': PARTITION },
        },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) {
          const byTopics: Record<string, number> = {};
          for (const [name, value] of Object.entries(item)) {
            if (name.startsWith(TOPIC_SET)) byTopics[name.slice(TOPIC_SET.length)] = Number(value);
          }
          tallies.push({
            country: item.country as string,
            language: item.language as string,
            region: item.region as string,
            status: item.status as string,
            byTopics,
          });
        }
      }
      return tallies;
    },
  };
}
