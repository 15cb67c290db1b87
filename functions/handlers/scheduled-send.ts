// The ScheduledSend Lambda: EventBridge Scheduler invokes it with `{issueId}` when a scheduled send is due.
import * as z from 'zod';
import { runScheduledSend } from '../domain/sending.ts';
import { logger } from '../wiring/logger.ts';
import { onceStarted } from '../wiring/startup.ts';
import { servicesFromEnvironment, type Services } from '../wiring/services.ts';

const scheduledSendSchema = z.object({ issueId: z.string().min(1) });

export function createScheduledSendHandler(services: Services) {
  return async (event: unknown): Promise<void> => {
    const { issueId } = scheduledSendSchema.parse(event);
    const started = await runScheduledSend(services, issueId);
    if (started) logger.info('scheduled send started', { issueId, recipients: started.recipients });
    else logger.info('scheduled send skipped: no longer scheduled', { issueId });
  };
}

const ready = onceStarted(async () => createScheduledSendHandler(await servicesFromEnvironment()));
export const handler = async (event: unknown) => (await ready())(event);
