// Infra tests of the schedules of a send at a local hour: one EventBridge Scheduler schedule per start, named in the
// group the EditorApi may write, invoking ScheduledSend with the start, which may move the starts and fan them out.
import type { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventBridgeScheduler, scheduleName } from '../../functions/adapters/eventbridge-scheduler.ts';
import { SCHEDULE_GROUP_NAME } from '../../infra/stateless-stack.ts';
import { logicalId, removeAssemblies, synthHerald } from './herald-app.ts';

let herald: ReturnType<typeof synthHerald>;
beforeAll(() => {
  herald = synthHerald();
});
afterAll(removeAssemblies);

type Statement = { Action: string | string[]; Resource: unknown };
const statements = (fn: string): Statement[] => {
  const role = logicalId(herald.stateless.node.findChild(`${fn}Role`));
  const policies = herald.statelessTemplate.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: role }] },
  });
  return Object.values(policies).flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
};
const onTable = (fn: string, table: string) =>
  statements(fn)
    .filter((s) => JSON.stringify(s.Resource).includes(table))
    .flatMap((s) => [s.Action].flat());

describe('the schedules of a send at a local hour', () => {
  it('names each start apart, within 64 characters, under the send- prefix of the group the EditorApi writes', () => {
    const long = 'a'.repeat(80);
    const names = [0, 1, 2, 10].map((n) => scheduleName(long, n));
    expect(new Set(names).size).toBe(4);
    for (const name of names) expect(name).toMatch(/^send-[a-z0-9-]{1,59}$/);
    expect(scheduleName('issue-5', 2)).toBe('send-issue-5-2');
    expect(scheduleName('issue-5')).toBe('send-issue-5');
    const resources = statements('EditorApi')
      .filter((s) => [s.Action].flat().includes('scheduler:CreateSchedule'))
      .map((s) => JSON.stringify(s.Resource));
    expect(resources.some((r) => r.includes(`schedule/${SCHEDULE_GROUP_NAME}/*`))).toBe(true);
  });

  it('creates one UTC schedule per start that hands ScheduledSend the issue and the start, and deletes itself', async () => {
    const sent: CreateScheduleCommand['input'][] = [];
    const client = { send: async (command: { input: CreateScheduleCommand['input'] }) => sent.push(command.input) };
    const scheduler = createEventBridgeScheduler(client as unknown as SchedulerClient, {
      groupName: SCHEDULE_GROUP_NAME,
      targetArn: 'arn:aws:lambda:eu-central-1:123456789012:function:ScheduledSend',
      roleArn: 'arn:aws:iam::123456789012:role/Invoke',
    });
    await scheduler.schedule('issue-5', new Date('2026-12-01T07:00:00Z'), 0);
    await scheduler.schedule('issue-5', new Date('2026-12-01T08:00:00Z'), 1);
    expect(sent.map((s) => [s.Name, s.ScheduleExpression, s.ScheduleExpressionTimezone, s.Target?.Input])).toEqual([
      ['send-issue-5-0', 'at(2026-12-01T07:00:00)', 'UTC', '{"issueId":"issue-5","start":0}'],
      ['send-issue-5-1', 'at(2026-12-01T08:00:00)', 'UTC', '{"issueId":"issue-5","start":1}'],
    ]);
    expect(sent.every((s) => s.ActionAfterCompletion === 'DELETE' && s.GroupName === SCHEDULE_GROUP_NAME)).toBe(true);
  });

  it('lets ScheduledSend read and move the starts beside the issue and fan out a start, and the EditorApi cancel them', () => {
    for (const fn of ['ScheduledSend', 'EditorApi']) {
      expect(onTable(fn, 'Issues'), fn).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:UpdateItem']));
      expect(
        statements(fn).some(
          (s) => [s.Action].flat().includes('sqs:SendMessage') && JSON.stringify(s.Resource).includes('FanOutQueue'),
        ),
        fn,
      ).toBe(true);
    }
    expect(onTable('EditorApi', 'Issues')).toContain('dynamodb:PutItem');
  });
});
