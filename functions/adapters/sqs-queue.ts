// The queues in AWS (send batches and checks, fan-out jobs): items go to SQS ten messages per call, one item per
// message, hidden for a delay when one is asked (DelaySeconds, at most SQS's 15 minutes).
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { QueueRefusedError } from '../domain/errors.ts';
import type { SendBatch, WorkQueue } from '../domain/ports.ts';

const SQS_BATCH_LIMIT = 10;
const SQS_MAX_DELAY_SECONDS = 900;

export function createSqsQueue<T = SendBatch>(client: SQSClient, queueUrl: string): WorkQueue<T> {
  return {
    async enqueue(items, options = {}) {
      const delay = options.delayMs
        ? { DelaySeconds: Math.min(SQS_MAX_DELAY_SECONDS, Math.ceil(options.delayMs / 1000)) }
        : {};
      for (let i = 0; i < items.length; i += SQS_BATCH_LIMIT) {
        const chunk = items.slice(i, i + SQS_BATCH_LIMIT);
        const { Failed = [] } = await client.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: chunk.map((item, n) => ({ Id: String(n), MessageBody: JSON.stringify(item), ...delay })),
          }),
        );
        if (Failed.length > 0) {
          throw new QueueRefusedError(
            { failed: Failed.length, sent: chunk.length },
            Failed.map((f) => f.Message ?? ''),
          );
        }
      }
    },
  };
}
