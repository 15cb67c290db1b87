// The growth counters in the issues table, apart from any issue: partition `GROWTH#<dimension>`, one item per
// (segment, month), sk `<key>#<YYYY-MM>`, with `<count>_<DD>` per day and the month's `net`. A change is one atomic
// ADD per segment; a report reads one query per dimension (months x segments items, never subscribers).
import { UpdateCommand, paginateQuery, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DayCounts, GrowthCounters, GrowthMonth } from '../domain/growth.ts';

const COUNTS = ['signups', 'unsubscribes', 'net'] as const satisfies readonly (keyof DayCounts)[];
const partition = (dimension: string) => `GROWTH#${dimension}`;

export function createDynamoGrowthCounters(client: DynamoDBDocumentClient, tableName: string): GrowthCounters {
  return {
    async add(increments) {
      await Promise.all(
        increments.map(({ dimension, key, day, counts }) => {
          const month = day.slice(0, 7);
          const dd = day.slice(8, 10);
          const added = COUNTS.filter((n) => counts[n]).map((n) => [`${n}_${dd}`, counts[n]!] as const);
          if (added.length === 0) return undefined;
          const all = [...added, ...(counts.net ? [['net', counts.net] as const] : [])];
          return client.send(
            new UpdateCommand({
              TableName: tableName,
              Key: { issueId: partition(dimension), sk: `${key}#${month}` },
              UpdateExpression: `SET dimension = :dimension, #key = :key, #month = :month ADD ${all
                .map((_, i) => `#c${i} :c${i}`)
                .join(', ')}`,
              ExpressionAttributeNames: {
                '#key': 'key',
                '#month': 'month',
                ...Object.fromEntries(all.map(([name], i) => [`#c${i}`, name])),
              },
              ExpressionAttributeValues: {
                ':dimension': dimension,
                ':key': key,
                ':month': month,
                ...Object.fromEntries(all.map(([, n], i) => [`:c${i}`, n])),
              },
            }),
          );
        }),
      );
    },
    async months(dimension, keyPrefix) {
      const found: GrowthMonth[] = [];
      const pages = paginateQuery(
        { client },
        {
          TableName: tableName,
          KeyConditionExpression: keyPrefix
            ? 'issueId = :partition AND begins_with(sk, :prefix)'
            : 'issueId = :partition',
          ExpressionAttributeValues: {
            ':partition': partition(dimension),
            ...(keyPrefix && { ':prefix': keyPrefix }),
          },
        },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) {
          const days: Record<string, DayCounts> = {};
          for (const [name, value] of Object.entries(item)) {
            const match = /^(signups|unsubscribes|net)_(\d\d)$/.exec(name);
            if (!match) continue;
            const day = (days[match[2]!] ??= { signups: 0, unsubscribes: 0, net: 0 });
            day[match[1] as keyof DayCounts] = Number(value);
          }
          found.push({
            dimension,
            key: item.key as string,
            month: item.month as string,
            net: Number(item.net ?? 0),
            days,
          });
        }
      }
      return found;
    },
  };
}
