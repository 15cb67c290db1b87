// The ScheduledSend Lambda: EventBridge Scheduler invokes it with `{issueId}` when a scheduled send is due.
import * as z from 'zod';
import { runScheduledSend } from '../domain/sending.ts';
import { lambdaEntry } from '../wiring/lambda-entry.ts';
import { logger } from '../wiring/logger.ts';
import { onceStarted } from '../wiring/startup.ts';
import { servicesFromEnvironment, type Services } from '../wiring/services.ts';

const scheduledSendSchema = z.object({ issueId: z.string().min(1) });

export function createScheduledSendHandler(services: Services) {
  return async (event: unknown): Promise<void> => {
    const { issueId } = scheduledSendSchema.parse(event);
    const log = logger.withKeys({ issueId });
    const started = await runScheduledSend(services, issueId);
    if (started) log.info('scheduled send started', { recipients: started.recipients });
    else log.info('scheduled send skipped: no longer scheduled');
  };
}

const ready = onceStarted(async () => createScheduledSendHandler(await servicesFromEnvironment()));
export const handler = lambdaEntry(async (event: unknown) => (await ready())(event));
