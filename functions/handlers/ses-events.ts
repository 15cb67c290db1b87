// The SES events Lambda: the configuration set publishes to SNS, SNS delivers to an SQS queue (raw message
// delivery: each message body is one SES event record), and the queue hands this function up to 100 at a time.
// Each event is matched to its recipient and counted once; the batch's counts are summed into one write per
// counter. Malformed events and events for unknown messages are logged and acknowledged; an event whose read or
// write failed is reported alone (batchItemFailures), so the queue hands over that one again, not the batch.
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ingestSesEvents } from '../domain/ses-events.ts';
import { logger } from '../wiring/logger.ts';
import { parseJson } from './sqs-messages.ts';
import { onceStarted } from '../wiring/startup.ts';
import { deliveryServicesFromEnvironment, type DeliveryServices } from '../wiring/delivery-services.ts';

export function createSesEventsHandler(services: DeliveryServices) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const errors = new Map<number, unknown>();
    const outcomes = await ingestSesEvents(
      services,
      event.Records.map((record) => parseJson(record.body)),
      (i, error) => errors.set(i, error),
    );
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    outcomes.forEach((outcome, i) => {
      const sqsMessageId = event.Records[i]!.messageId;
      if (outcome === 'failed') {
        const error = errors.get(i);
        logger.warn('SES event not ingested; the queue will hand it over again', { sqsMessageId, error });
        batchItemFailures.push({ itemIdentifier: sqsMessageId });
      } else if (outcome === 'malformed' || outcome === 'unknown-message') {
        logger.warn('SES event acknowledged without counting', { outcome, sqsMessageId });
      } else {
        logger.debug('SES event', { outcome, sqsMessageId });
      }
    });
    return { batchItemFailures };
  };
}

const ready = onceStarted(async () => createSesEventsHandler(await deliveryServicesFromEnvironment()));
export const handler = async (event: SQSEvent) => (await ready())(event);
