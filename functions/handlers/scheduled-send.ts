// The ScheduledSend Lambda: EventBridge Scheduler invokes it with `{issueId}` when a scheduled send is due, or with
// `{issueId, start}` when one start of a send at a local hour is.
import * as z from 'zod';
import { runScheduledSend } from '../domain/sending.ts';
import { runScheduledStart } from '../domain/local-time.ts';
import { lambdaEntry } from '../wiring/lambda-entry.ts';
import { logger } from '../wiring/logger.ts';
import { onceStarted } from '../wiring/startup.ts';
import { servicesFromEnvironment, type Services } from '../wiring/services.ts';

const scheduledSendSchema = z.object({
  issueId: z.string().min(1),
  start: z.number().int().min(0).max(100).optional(),
});

export function createScheduledSendHandler(services: Services) {
  return async (event: unknown): Promise<void> => {
    const { issueId, start } = scheduledSendSchema.parse(event);
    const log = logger.withKeys({ issueId });
    if (start !== undefined) {
      const begun = await runScheduledStart(services, issueId, start);
      if (begun) log.info('local-time start begun', { start, ...begun });
      else log.info('local-time start skipped: cancelled, run before, or the issue is no longer scheduled', { start });
      return;
    }
    const started = await runScheduledSend(services, issueId);
    if (started) log.info('scheduled send started', { recipients: started.recipients });
    else log.info('scheduled send skipped: no longer scheduled');
  };
}

const ready = onceStarted(async () => createScheduledSendHandler(await servicesFromEnvironment()));
export const handler = lambdaEntry(async (event: unknown) => (await ready())(event));
