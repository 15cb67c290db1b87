// One pace for every sender: a shared item holds the end of the last reserved sending slot. A sender adds its
// batch's duration (recipients / MaxSendRate) with one atomic ADD and waits until its slot starts, so all
// senders together stay at the account's rate, however many run.
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { whenConditionHolds } from './conditional-write.ts';
import type { QuotaSource, SendPacer } from '../domain/ports.ts';

/** How long the account's MaxSendRate is trusted before GetAccount is asked again. */
const RATE_TTL_MS = 60_000;
const KEY = { issueId: '#pacer', sk: 'SES' };

export function createDynamoSendPacer(
  client: DynamoDBDocumentClient,
  tableName: string,
  quota: QuotaSource,
  options: { sleep?: (ms: number) => Promise<void>; now?: () => number } = {},
): SendPacer {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let rate: { perSecond: number; until: number } | undefined;
  const sendRate = async () => {
    if (!rate || rate.until < now()) {
      const { maxSendRate } = await quota.quota();
      rate = { perSecond: Math.max(1, maxSendRate), until: now() + RATE_TTL_MS };
    }
    return rate.perSecond;
  };
  const reserve = async (ms: number) => {
    const { Attributes } = await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: KEY,
        UpdateExpression: 'ADD slotEnd :ms',
        ExpressionAttributeValues: { ':ms': ms },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(Attributes?.slotEnd);
  };
  /** After an idle spell the slots lie in the past: move the end to now, unless another sender just did. */
  const restartAt = async (seen: number, end: number) => {
    await whenConditionHolds(
      client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: KEY,
          UpdateExpression: 'SET slotEnd = :end',
          ConditionExpression: 'slotEnd = :seen',
          ExpressionAttributeValues: { ':end': end, ':seen': seen },
        }),
      ),
    );
  };
  return {
    async acquire(recipients) {
      const ms = (recipients / (await sendRate())) * 1000;
      const end = await reserve(ms);
      const start = end - ms;
      const wait = start - now();
      if (wait > 0) return sleep(wait);
      if (wait < -ms) await restartAt(end, now() + ms);
    },
  };
}
