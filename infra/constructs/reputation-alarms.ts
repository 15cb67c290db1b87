// CloudWatch alarms on the SES account's reputation: the bounce and complaint rates SES watches to decide whether
// an account may keep sending, raised well before SES's own review thresholds, to an encrypted SNS topic (which the
// other Herald alarms share).
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { encryptedTopic } from './encrypted-topic.ts';

/** SES publishes these account-level rates (0 to 1) in AWS/SES when the configuration set has reputation metrics on. */
export const REPUTATION_ALARMS = [
  { id: 'BounceRate', metricName: 'Reputation.BounceRate', threshold: 0.05, label: 'bounce rate over 5%' },
  { id: 'ComplaintRate', metricName: 'Reputation.ComplaintRate', threshold: 0.001, label: 'complaint rate over 0.1%' },
] as const;

export interface ReputationAlarmsProps {
  /** An address that gets the alarms by email (it confirms the subscription first). */
  readonly email?: string;
}

export class ReputationAlarms extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[];

  constructor(scope: Construct, id: string, props: ReputationAlarmsProps = {}) {
    super(scope, id);
    this.topic = encryptedTopic(this, {
      ids: { key: 'Key', topic: 'Topic' },
      publisher: 'cloudwatch.amazonaws.com',
      description: 'Encrypts the SES reputation alarms topic of Herald',
      displayName: 'Herald alarms',
    });
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));
    const action = new SnsAction(this.topic);
    this.alarms = REPUTATION_ALARMS.map(({ id: alarmId, metricName, threshold, label }) => {
      const alarm = new Alarm(this, alarmId, {
        alarmDescription: `Herald: the SES account's ${label}. SES reviews an account above 5% bounces or 0.1% complaints.`,
        metric: new Metric({ namespace: 'AWS/SES', metricName, statistic: 'Maximum', period: Duration.hours(1) }),
        threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      return alarm;
    });
  }
}
