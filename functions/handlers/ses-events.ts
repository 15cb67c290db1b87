// The SES events Lambda: the configuration set publishes to SNS, SNS delivers to an SQS queue (raw message
// delivery: each message body is one SES event record), and the queue hands this function up to 500 at a time.
// Each event is matched to its recipient and counted once; the batch's counts are summed into one write per
// counter. Malformed events and events for unknown messages are logged and acknowledged; an event whose read or
// write failed is reported alone (batchItemFailures), so the queue hands over that one again, not the batch.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { ingestSesEvents, type IngestOutcome } from '../domain/ses-events.ts';
import { pauseOnReactions, sendLimitsOf } from '../domain/send-controls.ts';
import { lambdaEntry } from '../wiring/lambda-entry.ts';
import { logger } from '../wiring/logger.ts';
import { count, METRIC } from '../wiring/metrics.ts';
import { parseJson } from './sqs-messages.ts';
import { onceStarted } from '../wiring/startup.ts';
import { deliveryServicesFromEnvironment, type DeliveryServices } from '../wiring/delivery-services.ts';

/**
 * The whole batch goes to the domain at once, which reads the events' records in one batched call and sums their
 * counts into one write per counter (one event at a time would cost a read and several writes each). The batch
 * processor then reports each event by its outcome: a failed one fails alone.
 */
export function createSesEventsHandler(services: DeliveryServices) {
  let limits: ReturnType<typeof sendLimitsOf> | undefined;
  /** A send whose bounce or complaint rate crossed its limit pauses; the events are counted all the same. */
  const onReactions = async (issueId: string) => {
    try {
      limits ??= sendLimitsOf(services.reference.profile);
      const paused = await pauseOnReactions({ ...services, limits }, issueId);
      if (paused) {
        logger.error('send paused: its recipients bounce or complain too much; resume it once that is looked into', {
          issueId,
          reason: paused.reason,
        });
        count(METRIC.sendsAutoPaused);
      }
    } catch (error) {
      logger.warn('the bounce and complaint rates of a send could not be checked', { issueId, error });
    }
  };
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const errors = new Map<number, unknown>();
    const outcomes = await ingestSesEvents(
      { ...services, onReactions },
      event.Records.map((record) => parseJson(record.body)),
      (i, error) => errors.set(i, error),
    );
    count(METRIC.sesEventsIngested, outcomes.filter((outcome) => outcome === 'counted').length);
    const found = new Map<string, { outcome: IngestOutcome; error: unknown }>(
      event.Records.map((record, i) => [record.messageId, { outcome: outcomes[i]!, error: errors.get(i) }]),
    );
    const report = async (record: SQSRecord) => {
      const sqsMessageId = record.messageId;
      const { outcome, error } = found.get(sqsMessageId)!;
      if (outcome === 'failed') {
        logger.warn('SES event not ingested; the queue will hand it over again', { sqsMessageId, error });
        throw error instanceof Error ? error : new Error(String(error));
      }
      if (outcome === 'malformed' || outcome === 'unknown-message') {
        logger.warn('SES event acknowledged without counting', { outcome, sqsMessageId });
      } else {
        logger.debug('SES event', { outcome, sqsMessageId });
      }
    };
    // One processor per event, as for the other queues; a batch whose every event failed is reported, not thrown.
    return processPartialResponse(event, report, new BatchProcessor(EventType.SQS), {
      throwOnFullBatchFailure: false,
    });
  };
}

const ready = onceStarted(async () => createSesEventsHandler(await deliveryServicesFromEnvironment()));
export const handler = lambdaEntry(async (event: SQSEvent) => (await ready())(event));
