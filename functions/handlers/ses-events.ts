// The SES events Lambda: the configuration set publishes to SNS, SNS delivers to an SQS queue (raw message
// delivery: each message body is one SES event record), and the queue hands this function up to 100 at a time.
// Each event is matched to its recipient and counted once; the batch's counts are summed into one write per
// counter. Malformed events and events for unknown messages are logged and acknowledged.
import type { SQSEvent } from 'aws-lambda';
import { ingestSesEvents } from '../domain/ses-events.ts';
import { logger } from '../wiring/logger.ts';
import { onceStarted } from '../wiring/startup.ts';
import { deliveryServicesFromEnvironment, type DeliveryServices } from '../wiring/delivery-services.ts';

/** Events per invocation at most: the SQS event source's batch size in AWS, the in-process queue's locally. */
export const SES_EVENTS_BATCH_SIZE = 100;

export function createSesEventsHandler(services: DeliveryServices) {
  return async (event: SQSEvent): Promise<void> => {
    const messages = event.Records.map((record) => {
      try {
        return JSON.parse(record.body) as unknown;
      } catch {
        return undefined;
      }
    });
    // A DynamoDB failure throws and the queue delivers the batch again. Events marked before a counter write failed
    // are repeats then, and go uncounted: closing that gap takes a transaction, which dynalite lacks.
    const outcomes = await ingestSesEvents(services, messages);
    outcomes.forEach((outcome, i) => {
      const sqsMessageId = event.Records[i]!.messageId;
      if (outcome === 'malformed' || outcome === 'unknown-message') {
        logger.warn('SES event acknowledged without counting', { outcome, sqsMessageId });
      } else {
        logger.debug('SES event', { outcome, sqsMessageId });
      }
    });
  };
}

const ready = onceStarted(async () => createSesEventsHandler(await deliveryServicesFromEnvironment()));
export const handler = async (event: SQSEvent) => (await ready())(event);
