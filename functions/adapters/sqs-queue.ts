// The send queue in AWS: batches go to SQS ten messages per call, each message one batch of recipients.
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { BatchQueue } from '../domain/ports.ts';

const SQS_BATCH_LIMIT = 10;

export function createSqsQueue(client: SQSClient, queueUrl: string): BatchQueue {
  return {
    async enqueue(batches) {
      for (let i = 0; i < batches.length; i += SQS_BATCH_LIMIT) {
        const chunk = batches.slice(i, i + SQS_BATCH_LIMIT);
        const { Failed = [] } = await client.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: chunk.map((batch, n) => ({ Id: String(n), MessageBody: JSON.stringify(batch) })),
          }),
        );
        if (Failed.length > 0) {
          throw new Error(`SQS refused ${Failed.length} send batches: ${Failed.map((f) => f.Message).join('; ')}`);
        }
      }
    },
  };
}
