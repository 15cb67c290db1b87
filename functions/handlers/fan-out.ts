// The FanOut Lambda: each SQS message names one (country, language) segment of a send, whose audience it
// reads page by page and puts on the send queue in batches of at most 50.
import type { SQSEvent } from 'aws-lambda';
import * as z from 'zod';
import { fanOutSegment, type FanOutDeps } from '../domain/sending.ts';
import { countrySchema, languageSchema } from '../domain/records.ts';
import { logger } from '../wiring/logger.ts';
import { onceStarted } from '../wiring/startup.ts';
import { handleMessages } from './sqs-messages.ts';
import { deliveryServicesFromEnvironment } from '../wiring/delivery-services.ts';

export const segmentJobSchema = z.object({
  issueId: z.string().min(1),
  country: countrySchema,
  language: languageSchema,
  resume: z.boolean().optional(),
});

export function createFanOutHandler(services: FanOutDeps) {
  return handleMessages('fan-out job', segmentJobSchema, async (job) => {
    try {
      const { recipients } = await fanOutSegment(services, job);
      logger.info('segment enqueued', { issueId: job.issueId, country: job.country, lang: job.language, recipients });
    } catch (error) {
      logger.warn('fan-out failed; the queue will retry it', { ...job, error });
      throw error;
    }
  });
}

const ready = onceStarted(async () => createFanOutHandler(await deliveryServicesFromEnvironment()));
export const handler = async (event: SQSEvent) => (await ready())(event);
