// The sender Lambda: each SQS message is one batch of up to 50 recipients of one edition, or a check that a send
// has ended (queued by the fan-out and again by each check, with a delay, until the send ends).
import type { SQSEvent } from 'aws-lambda';
import * as z from 'zod';
import { deliverBatch } from '../domain/delivery.ts';
import { RetryLaterError } from '../domain/errors.ts';
import { checkSendEnd } from '../domain/progress.ts';
import { lambdaEntry } from '../wiring/lambda-entry.ts';
import { logger } from '../wiring/logger.ts';
import { count, countingOutcomes, countingThrottles, METRIC } from '../wiring/metrics.ts';
import { onceStarted } from '../wiring/startup.ts';
import { handleMessages } from './sqs-messages.ts';
import { deliveryServicesFromEnvironment, type DeliveryServices } from '../wiring/delivery-services.ts';

export const sendBatchSchema = z.object({
  issueId: z.string().min(1),
  // Written by the fan-out from the profile's countries and languages.
  country: z.string().min(1),
  language: z.string().min(1),
  recipients: z
    .array(z.object({ id: z.string(), email: z.string(), name: z.string().optional(), region: z.string() }))
    .max(50),
});

export const sendCheckSchema = z.object({
  issueId: z.string().min(1),
  check: z.literal('end'),
  handled: z.number().int().min(0).optional(),
  scans: z.number().int().min(0).optional(),
  stillSince: z.number().int().min(0).optional(),
});

export function createSenderHandler(services: DeliveryServices) {
  // Recipients sent and failed are counted where their outcome is written, throttles where SES answers.
  const deps = {
    ...services,
    deliveries: countingOutcomes(services.deliveries),
    mailer: countingThrottles(services.mailer),
  };
  return handleMessages('send message', z.union([sendBatchSchema, sendCheckSchema]), async (message, record) => {
    const receives = Number(record.attributes.ApproximateReceiveCount) || 1;
    const log = logger.withKeys({ issueId: message.issueId });
    if ('check' in message) {
      try {
        const outcome = await checkSendEnd(deps, message);
        if (outcome === 'given-up') {
          log.error(
            'send left open: recipients without an outcome a day after its counts stood still; see the dead-letter queue',
          );
        } else log.info('send end checked', { outcome, scans: message.scans ?? 0 });
      } catch (error) {
        log.warn('send end check failed; the queue will retry it', { error });
        throw error;
      }
      return;
    }
    const batch = message;
    const attempt = { number: receives, last: receives >= services.config.sending.maxReceives };
    const batchLog = log.withKeys({ country: batch.country, lang: batch.language, attempt: receives });
    try {
      const outcome = await deliverBatch(deps, batch, attempt);
      if (outcome.pausedSend !== undefined) {
        batchLog.error('send paused: SES refused it for a reason no retry fixes; resume it once that is fixed', {
          reason: outcome.pausedSend,
        });
        count(METRIC.sendsAutoPaused);
      }
      batchLog.info('batch delivered', { ...outcome });
    } catch (error) {
      if (attempt.last) batchLog.error('batch failed on its last attempt; it goes to the dead-letter queue', { error });
      else if (error instanceof RetryLaterError)
        batchLog.info('batch partly throttled; the queue will retry the rest', { reasons: error.reasons });
      else batchLog.warn('batch failed; the queue will retry it', { error });
      throw error;
    }
  });
}

const ready = onceStarted(async () => createSenderHandler(await deliveryServicesFromEnvironment()));
export const handler = lambdaEntry(async (event: SQSEvent) => (await ready())(event));
