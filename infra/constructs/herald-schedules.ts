// Scheduled sends: the EventBridge Scheduler group the Api puts one-time schedules in, and the role they invoke with.
import { Stack } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { CfnScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import type { SendSchedules } from './herald-function.ts';

export interface HeraldSchedulesProps {
  /** The schedule group's name: schedule ARNs, and so the Api's grant, are built from it. */
  readonly groupName: string;
  /** The function every schedule invokes (ScheduledSend). */
  readonly target: IFunction;
}

export class HeraldSchedules extends Construct implements SendSchedules {
  readonly groupName: string;
  readonly target: IFunction;
  readonly group: CfnScheduleGroup;
  readonly invokeRole: Role;

  constructor(scope: Construct, id: string, props: HeraldSchedulesProps) {
    super(scope, id);
    this.groupName = props.groupName;
    this.target = props.target;
    this.group = new CfnScheduleGroup(this, 'Group', { name: props.groupName });
    // Only schedules of this group in this account may assume the role (confused deputy prevention).
    this.invokeRole = new Role(this, 'InvokeRole', {
      description: `EventBridge Scheduler invokes the scheduled send function with this role (group ${props.groupName})`,
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account, 'aws:SourceArn': this.group.attrArn },
        },
      }),
    });
    // The function's own ARN, not grantInvoke's extra `<arn>:*` (versions and aliases the schedules never name).
    this.invokeRole.addToPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [props.target.functionArn] }),
    );
  }
}
