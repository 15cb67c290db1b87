// The FanOut Lambda: each SQS message names one (country, language) segment of a send, whose audience it
// reads page by page and puts on the send queue in batches of at most 50.
import type { SQSEvent } from 'aws-lambda';
import * as z from 'zod';
import { fanOutSegment, type FanOutDeps } from '../domain/sending.ts';
import { lambdaEntry } from '../wiring/lambda-entry.ts';
import { logger } from '../wiring/logger.ts';
import { onceStarted } from '../wiring/startup.ts';
import { handleMessages } from './sqs-messages.ts';
import { deliveryServicesFromEnvironment } from '../wiring/delivery-services.ts';

export const segmentJobSchema = z.object({
  issueId: z.string().min(1),
  // Written by the send itself from the profile's countries and languages.
  country: z.string().min(1),
  language: z.string().min(1),
  regions: z.array(z.string()).optional(),
  topics: z.array(z.string()).optional(),
  resume: z.boolean().optional(),
  cancelled: z.boolean().optional(),
});

export function createFanOutHandler(services: FanOutDeps) {
  return handleMessages('fan-out job', segmentJobSchema, async (job) => {
    const log = logger.withKeys({ issueId: job.issueId, country: job.country, lang: job.language });
    try {
      const { recipients } = await fanOutSegment(services, job);
      log.info('segment enqueued', { recipients });
    } catch (error) {
      log.warn('fan-out failed; the queue will retry it', { resume: job.resume, error });
      throw error;
    }
  });
}

const ready = onceStarted(async () => createFanOutHandler(await deliveryServicesFromEnvironment()));
export const handler = lambdaEntry(async (event: SQSEvent) => (await ready())(event));
