// What the queue-fed Lambdas share: Powertools' SQS batch processor. Each message's body is parsed with the
// handler's schema and handled on its own; a message that fails (or never parses) is reported back alone
// (batchItemFailures), so SQS retries it and, in the end, dead-letters it.
//
// The bodies are parsed here with the zod schema rather than by the processor's parser
// (@aws-lambda-powertools/batch/parser): that parser imports zod as `{ z }`, which esbuild cannot tree-shake, and
// it tripled the Sender's bundle (all of zod's locales and JSON Schema code: 540 KB against a 300 KB budget).
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type * as z from 'zod';
import { logger } from '../wiring/logger.ts';

/** A message whose body is not what its queue carries; logged once, where it is found. */
class MalformedMessageError extends Error {
  override name = 'MalformedMessageError';
}

export function handleMessages<S extends z.ZodType>(
  kind: string,
  schema: S,
  handle: (item: z.infer<S>, record: SQSRecord) => Promise<void>,
) {
  const handleRecord = async (record: SQSRecord) => {
    const parsed = schema.safeParse(parseJson(record.body));
    if (!parsed.success) {
      // A malformed message never becomes valid: retrying it only delays its arrival in the dead-letter queue.
      logger.error(`malformed ${kind}`, { messageId: record.messageId, issues: parsed.error.issues });
      throw new MalformedMessageError(`malformed ${kind}`);
    }
    // `handle` logs why it failed.
    await handle(parsed.data, record);
  };
  return async (event: SQSEvent): Promise<SQSBatchResponse> =>
    processPartialResponse(
      event,
      handleRecord,
      // One processor per event: it holds the batch's state, and the embedded stack handles several at once.
      new BatchProcessor(EventType.SQS),
      // A batch whose every message failed is reported like any other (SQS retries each), not thrown; and the
      // messages are handled one after the other, as before (in AWS a Sender or FanOut batch holds one).
      { throwOnFullBatchFailure: false, processInParallel: false },
    );
}

/** A body that is not JSON is a malformed message like any other, not a failure of its whole batch. */
export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}
