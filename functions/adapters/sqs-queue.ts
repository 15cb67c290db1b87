// The queues in AWS (send batches, fan-out jobs): items go to SQS ten messages per call, one item per message.
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SendBatch, WorkQueue } from '../domain/ports.ts';

const SQS_BATCH_LIMIT = 10;

export function createSqsQueue<T = SendBatch>(client: SQSClient, queueUrl: string): WorkQueue<T> {
  return {
    async enqueue(items) {
      for (let i = 0; i < items.length; i += SQS_BATCH_LIMIT) {
        const chunk = items.slice(i, i + SQS_BATCH_LIMIT);
        const { Failed = [] } = await client.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: chunk.map((item, n) => ({ Id: String(n), MessageBody: JSON.stringify(item) })),
          }),
        );
        if (Failed.length > 0) {
          throw new Error(
            `SQS refused ${Failed.length} of ${chunk.length} messages: ${Failed.map((f) => f.Message).join('; ')}`,
          );
        }
      }
    },
  };
}
