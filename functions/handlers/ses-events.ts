// The SES events Lambda: SNS delivers the configuration set's events. For now each event is parsed and logged
// with its issue, country and language tags; counting them per segment is the coordinators' issue (#6).
import type { SNSEvent } from 'aws-lambda';
import { z } from 'zod';
import { logger } from '../wiring/logger.ts';

const sesEventSchema = z.object({
  eventType: z.string(),
  mail: z.object({ messageId: z.string(), tags: z.record(z.string(), z.array(z.string())).optional() }),
});

export type SesEventSummary = { eventType: string; messageId: string; issueId?: string } | { ignored: string };

export function summarizeSesEvent(message: string): SesEventSummary {
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    return { ignored: 'not JSON' };
  }
  const parsed = sesEventSchema.safeParse(value);
  if (!parsed.success) return { ignored: 'not an SES event' };
  const { eventType, mail } = parsed.data;
  const issueId = mail.tags?.issue?.[0];
  return { eventType, messageId: mail.messageId, ...(issueId && { issueId }) };
}

export const handler = async (event: SNSEvent): Promise<void> => {
  for (const record of event.Records) {
    const summary = summarizeSesEvent(record.Sns.Message);
    if ('ignored' in summary)
      logger.warn('SES event ignored', { reason: summary.ignored, snsMessageId: record.Sns.MessageId });
    else logger.info('SES event', summary);
  }
};
