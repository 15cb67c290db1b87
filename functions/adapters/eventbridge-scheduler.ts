// Scheduled sends in AWS: one EventBridge Scheduler one-time schedule per issue (or per start of a send at a local
// hour), invoking the ScheduledSend function with the issue id (and the start), and deleting itself once it ran.
import { createHash } from 'node:crypto';
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import type { SendScheduler } from '../domain/ports.ts';

export interface EventBridgeSchedulerOptions {
  groupName: string;
  /** The ScheduledSend function. */
  targetArn: string;
  /** The role EventBridge Scheduler assumes to invoke it. */
  roleArn: string;
}

/** Schedule names allow 64 characters; long issue ids keep a readable prefix and a hash. A start: `-<n>` after. */
export function scheduleName(issueId: string, start?: number): string {
  const suffix = start === undefined ? '' : `-${start}`;
  const name = `send-${issueId}`;
  if (name.length + suffix.length <= 64) return `${name}${suffix}`;
  const hash = createHash('sha256').update(issueId).digest('hex').slice(0, 12);
  return `${name.slice(0, 51 - suffix.length)}-${hash}${suffix}`;
}

export function createEventBridgeScheduler(
  client: SchedulerClient,
  options: EventBridgeSchedulerOptions,
): SendScheduler {
  return {
    async schedule(issueId, at, start) {
      await client.send(
        new CreateScheduleCommand({
          Name: scheduleName(issueId, start),
          GroupName: options.groupName,
          // at(yyyy-mm-ddThh:mm:ss), in UTC: whole seconds, no zone suffix.
          ScheduleExpression: `at(${at.toISOString().slice(0, 19)})`,
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          Target: {
            Arn: options.targetArn,
            RoleArn: options.roleArn,
            Input: JSON.stringify({ issueId, ...(start !== undefined && { start }) }),
          },
        }),
      );
    },
    async cancel(issueId, start) {
      try {
        await client.send(
          new DeleteScheduleCommand({ Name: scheduleName(issueId, start), GroupName: options.groupName }),
        );
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) throw error;
      }
    },
  };
}
