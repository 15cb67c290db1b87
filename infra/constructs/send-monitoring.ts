// Alarms and a CloudWatch dashboard for sends: an alarm on any message in a dead-letter queue and on the Sender's
// errors, to the shared alarms topic; a dashboard of recipients per second, throttles, dead letters and reputation.
import { Duration, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { REPUTATION_ALARMS } from './reputation-alarms.ts';

/** The namespace of the functions' EMF metrics (Powertools Metrics). */
export const HERALD_METRICS_NAMESPACE = 'Herald';

export interface SendMonitoringProps {
  readonly alarmTopic: ITopic;
  /** Each dead-letter queue by the name of the queue it serves (`Send`, `FanOut`, `SesEvents`). */
  readonly deadLetterQueues: Record<string, IQueue>;
  readonly sender: IFunction;
}

const MINUTE = Duration.minutes(1);

/**
 * A metric of the functions summed over whatever dimensions they add (Powertools adds `service`), per second. A
 * SEARCH expression finds every dimension set; it works in a dashboard, not in an alarm.
 */
function heraldRate(metricName: string, label: string): IMetric {
  const search = `SEARCH('Namespace="${HERALD_METRICS_NAMESPACE}" MetricName="${metricName}"', 'Sum', 60)`;
  return new MathExpression({ expression: `SUM(${search})/60`, usingMetrics: {}, label, period: MINUTE });
}

/** One of SES's account-wide reputation rates, with the threshold of its alarm (reputation-alarms.ts). */
function reputationGraph({ metricName, threshold, label }: (typeof REPUTATION_ALARMS)[number]): GraphWidget {
  return new GraphWidget({
    title: `SES ${metricName} (account)`,
    left: [new Metric({ namespace: 'AWS/SES', metricName, statistic: 'Maximum', period: Duration.hours(1) })],
    leftAnnotations: [{ value: threshold, label: `alarm: ${label}` }],
    leftYAxis: { min: 0, showUnits: false },
    width: 8,
  });
}

export class SendMonitoring extends Construct {
  readonly alarms: Alarm[];
  readonly dashboard: Dashboard;
  /** The dashboard in the CloudWatch console. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: SendMonitoringProps) {
    super(scope, id);
    const action = new SnsAction(props.alarmTopic);
    const deadLetters = Object.entries(props.deadLetterQueues).map(([name, queue]) => ({
      name,
      metric: queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: MINUTE }),
    }));

    const deadLetterAlarms = deadLetters.map(
      ({ name, metric }) =>
        new Alarm(this, `${name}DeadLetters`, {
          alarmDescription:
            `Herald: a message is in the ${name} dead-letter queue, which it reached after its last retry. ` +
            'Read it, fix the cause, then redrive or delete it.',
          metric,
          threshold: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          // SQS stops the metrics of a queue nobody calls for six hours: the alarm keeps its state until it is drained.
          treatMissingData: TreatMissingData.IGNORE,
        }),
    );
    const senderErrors = new Alarm(this, 'SenderErrors', {
      alarmDescription:
        'Herald: the Sender failed an invocation (a crash, a timeout or a failed start; a batch it retries is not ' +
        'an error). Its messages are retried and go to the Send dead letters after the last attempt.',
      metric: props.sender.metricErrors({ statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.alarms = [...deadLetterAlarms, senderErrors];
    for (const alarm of this.alarms) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }

    const region = Stack.of(this).region;
    this.dashboard = new Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(6),
      widgets: [
        [
          new TextWidget({
            markdown:
              '# Herald sends\nRecipients and throttles come from the functions (namespace Herald); reputation from ' +
              "SES's account-wide rates. Alarms go to the HeraldStateful ReputationAlarmTopicArn topic.",
            width: 24,
            height: 2,
          }),
        ],
        [
          new GraphWidget({
            title: 'Recipients per second',
            left: [heraldRate('RecipientsSent', 'sent'), heraldRate('RecipientsFailed', 'failed')],
            leftYAxis: { min: 0, label: 'recipients/s', showUnits: false },
            width: 12,
          }),
          new GraphWidget({
            title: 'SES throttles (per second) and Sender errors',
            left: [heraldRate('SesThrottles', 'SES throttles')],
            right: [props.sender.metricErrors({ statistic: 'Sum', period: MINUTE, label: 'Sender errors' })],
            leftYAxis: { min: 0, showUnits: false },
            rightYAxis: { min: 0, showUnits: false },
            width: 12,
          }),
        ],
        [
          new GraphWidget({
            title: 'Messages in dead-letter queues',
            left: deadLetters.map(({ name, metric }) => metric.with({ label: name })),
            leftYAxis: { min: 0, showUnits: false },
            leftAnnotations: [{ value: 1, label: 'alarm' }],
            width: 8,
          }),
          ...REPUTATION_ALARMS.map(reputationGraph),
        ],
      ],
    });
    this.url = `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards:name=${this.dashboard.dashboardName}`;
  }
}
