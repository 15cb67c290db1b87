// The SES events Lambda: SNS delivers the configuration set's events; each is matched to its recipient and
// counted once. Malformed events and events for unknown messages are logged and acknowledged.
import type { SNSEvent } from 'aws-lambda';
import { ingestSesEvent } from '../domain/ses-events.ts';
import { logger } from '../wiring/logger.ts';
import { deliveryServicesFromEnvironment, type DeliveryServices } from '../wiring/delivery-services.ts';

export function createSesEventsHandler(services: DeliveryServices) {
  return async (event: SNSEvent): Promise<void> => {
    for (const record of event.Records) {
      let message: unknown;
      try {
        message = JSON.parse(record.Sns.Message);
      } catch {
        message = undefined;
      }
      const outcome = await ingestSesEvent(services, message);
      if (outcome === 'malformed' || outcome === 'unknown-message') {
        logger.warn('SES event acknowledged without counting', { outcome, snsMessageId: record.Sns.MessageId });
      } else {
        logger.debug('SES event', { outcome, snsMessageId: record.Sns.MessageId });
      }
    }
  };
}

let handle: ReturnType<typeof createSesEventsHandler> | undefined;
export const handler = async (event: SNSEvent) => {
  handle ??= createSesEventsHandler(await deliveryServicesFromEnvironment());
  return handle(event);
};
