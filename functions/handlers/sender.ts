// The sender Lambda: each SQS message is one batch of up to 50 recipients of one edition.
import type { SQSEvent } from 'aws-lambda';
import * as z from 'zod';
import { deliverBatch, RetryLaterError } from '../domain/delivery.ts';
import { countrySchema, languageSchema } from '../domain/records.ts';
import { logger } from '../wiring/logger.ts';
import { onceStarted } from '../wiring/startup.ts';
import { handleMessages } from './sqs-messages.ts';
import { deliveryServicesFromEnvironment, type DeliveryServices } from '../wiring/delivery-services.ts';

export const sendBatchSchema = z.object({
  issueId: z.string().min(1),
  country: countrySchema,
  language: languageSchema,
  recipients: z
    .array(z.object({ id: z.string(), email: z.string(), name: z.string().optional(), region: z.string() }))
    .max(50),
});

export function createSenderHandler(services: DeliveryServices) {
  return handleMessages('send batch', sendBatchSchema, async (batch, record) => {
    const receives = Number(record.attributes.ApproximateReceiveCount) || 1;
    const attempt = { number: receives, last: receives >= services.config.sending.maxReceives };
    const where = { issueId: batch.issueId, country: batch.country, lang: batch.language, attempt: receives };
    try {
      logger.info('batch delivered', { ...where, ...(await deliverBatch(services, batch, attempt)) });
    } catch (error) {
      if (attempt.last)
        logger.error('batch failed on its last attempt; it goes to the dead-letter queue', { ...where, error });
      else if (error instanceof RetryLaterError)
        logger.info('batch partly throttled; the queue will retry the rest', { ...where, reasons: error.reasons });
      else logger.warn('batch failed; the queue will retry it', { ...where, error });
      throw error;
    }
  });
}

const ready = onceStarted(async () => createSenderHandler(await deliveryServicesFromEnvironment()));
export const handler = async (event: SQSEvent) => (await ready())(event);
