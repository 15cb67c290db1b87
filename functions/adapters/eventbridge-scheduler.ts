// Scheduled sends in AWS: one EventBridge Scheduler one-time schedule per issue, invoking the
// ScheduledSend function with the issue id, and deleting itself once it ran.
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

/** Schedule names allow 64 characters; long issue ids keep a readable prefix and a hash. */
export function scheduleName(issueId: string): string {
  const name = `send-${issueId}`;
  if (name.length <= 64) return name;
  return `${name.slice(0, 51)}-${createHash('sha256').update(issueId).digest('hex').slice(0, 12)}`;
}

export function createEventBridgeScheduler(
  client: SchedulerClient,
  options: EventBridgeSchedulerOptions,
): SendScheduler {
  return {
    async schedule(issueId, at) {
      await client.send(
        new CreateScheduleCommand({
          Name: scheduleName(issueId),
          GroupName: options.groupName,
          // at(yyyy-mm-ddThh:mm:ss), in UTC: whole seconds, no zone suffix.
          ScheduleExpression: `at(${at.toISOString().slice(0, 19)})`,
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          Target: { Arn: options.targetArn, RoleArn: options.roleArn, Input: JSON.stringify({ issueId }) },
        }),
      );
    },
    async cancel(issueId) {
      try {
        await client.send(new DeleteScheduleCommand({ Name: scheduleName(issueId), GroupName: options.groupName }));
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) throw error;
      }
    },
  };
}
