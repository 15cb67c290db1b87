// The FanOut Lambda: each SQS message names one (country, language) segment of a send, whose audience it
// reads page by page and puts on the send queue in batches of at most 50.
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { z } from 'zod';
import { fanOutSegment, type FanOutDeps } from '../domain/sending.ts';
import { countrySchema, languageSchema } from '../domain/records.ts';
import { logger } from '../wiring/logger.ts';
import { deliveryServicesFromEnvironment } from '../wiring/delivery-services.ts';

export const segmentJobSchema = z.object({
  issueId: z.string().min(1),
  country: countrySchema,
  language: languageSchema,
  resume: z.boolean().optional(),
});

export function createFanOutHandler(services: FanOutDeps) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      const parsed = segmentJobSchema.safeParse(JSON.parse(record.body));
      if (!parsed.success) {
        logger.error('malformed fan-out job', { messageId: record.messageId, issues: parsed.error.issues });
        batchItemFailures.push({ itemIdentifier: record.messageId });
        continue;
      }
      const job = parsed.data;
      try {
        const { recipients } = await fanOutSegment(services, job);
        logger.info('segment enqueued', { issueId: job.issueId, country: job.country, lang: job.language, recipients });
      } catch (error) {
        logger.warn('fan-out failed; the queue will retry it', { ...job, error });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
}

let handle: ReturnType<typeof createFanOutHandler> | undefined;
export const handler = async (event: SQSEvent) => {
  handle ??= createFanOutHandler(await deliveryServicesFromEnvironment());
  return handle(event);
};
