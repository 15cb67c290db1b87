// What the queue-fed Lambdas share: each SQS message parsed with a schema and handled on its own; a message that
// fails (or never parses) is reported back alone, so SQS retries it and, in the end, dead-letters it.
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type * as z from 'zod';
import { logger } from '../wiring/logger.ts';

export function handleMessages<S extends z.ZodType>(
  kind: string,
  schema: S,
  handle: (item: z.infer<S>, record: SQSRecord) => Promise<void>,
) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      const parsed = schema.safeParse(parseJson(record.body));
      if (!parsed.success) {
        // A malformed message never becomes valid: retrying it only delays its arrival in the dead-letter queue.
        logger.error(`malformed ${kind}`, { messageId: record.messageId, issues: parsed.error.issues });
        batchItemFailures.push({ itemIdentifier: record.messageId });
        continue;
      }
      try {
        await handle(parsed.data, record);
      } catch {
        // `handle` logged why.
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
}

/** A body that is not JSON is a malformed message like any other, not a failure of its whole batch. */
export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}
