// The stateless stack: functions, HTTP API and send queue; replaceable at any deploy, it reaches the data through props.
import { CfnOutput, CfnParameter, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct, Node } from 'constructs';
import { HeraldFunction, type SesSending } from './constructs/herald-function.ts';
import type { HeraldTables } from './stateful-stack.ts';

export interface StatelessStackProps extends StackProps {
  readonly tables: HeraldTables;
  readonly configurationSetName: string;
  readonly sesEventsTopic: ITopic;
}

/** Deploy-time settings from cdk.json or `cdk synth -c key=value`. */
export interface HeraldSettings {
  /** SES identity the functions may send from (`herald:sesIdentity`). */
  sesIdentity: string;
  fromAddress: string;
  /** Base URL of links in emails; not the HttpApi URL, which the Api function cannot reference (a cycle). */
  publicUrl: string;
  /** Sender invocations at once: SES quota and DynamoDB load grow with it. */
  maxSendConcurrency: number;
}

export function readSettings(node: Node): HeraldSettings {
  const text = (key: string, fallback: string): string => {
    const value: unknown = node.tryGetContext(key);
    return typeof value === 'string' && value !== '' ? value : fallback;
  };
  const maxSendConcurrency = Number(text('herald:maxSendConcurrency', '5'));
  // The SQS event source accepts 2 to 1000.
  if (!Number.isInteger(maxSendConcurrency) || maxSendConcurrency < 2 || maxSendConcurrency > 1000) {
    throw new Error(`herald:maxSendConcurrency must be an integer from 2 to 1000, not ${maxSendConcurrency}`);
  }
  return {
    sesIdentity: text('herald:sesIdentity', 'secon.example'),
    fromAddress: text('herald:fromAddress', 'SECON Newsletter <newsletter@secon.example>'),
    publicUrl: text('herald:publicUrl', 'https://newsletter.secon.example'),
    maxSendConcurrency,
  };
}

const SENDER_TIMEOUT = Duration.seconds(60);

export class StatelessStack extends Stack {
  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const settings = readSettings(this.node);
    const { content, issues, subscribers, deliveries } = props.tables;
    const sending: SesSending = {
      configurationSetName: props.configurationSetName,
      identity: settings.sesIdentity,
      fromAddress: settings.fromAddress,
    };
    const publicUrl = { HERALD_PUBLIC_URL: settings.publicUrl };

    // Temporary: a Cognito JWT authorizer replaces the shared admin token in a later issue.
    const adminToken = new CfnParameter(this, 'AdminToken', {
      type: 'String',
      noEcho: true,
      minLength: 16,
      description: 'Bearer token of the admin role (at least 16 characters)',
    });

    const deadLetters = new Queue(this, 'SendDeadLetters', {
      retentionPeriod: Duration.days(14),
      enforceSSL: true,
      encryption: QueueEncryption.SQS_MANAGED,
    });
    const sendQueue = new Queue(this, 'SendQueue', {
      enforceSSL: true,
      encryption: QueueEncryption.SQS_MANAGED,
      // AWS advises six times the function timeout, so throttled retries do not count as failed receives.
      visibilityTimeout: Duration.seconds(SENDER_TIMEOUT.toSeconds() * 6),
      deadLetterQueue: { queue: deadLetters, maxReceiveCount: 5 },
    });

    const api = new HeraldFunction(this, 'Api', {
      entry: 'functions/handlers/api.ts',
      description: 'Herald HTTP API: editor, public and coordinator routes',
      // MJML rendering is CPU-bound and Lambda gives CPU in proportion to memory.
      memorySize: 1024,
      // API Gateway gives up after 30 s.
      timeout: Duration.seconds(29),
      withAssets: true,
      environment: { ...publicUrl, HERALD_ADMIN_TOKEN: adminToken.valueAsString },
    })
      .bindTable(content, 'readWrite')
      .bindTable(issues, 'readWrite')
      .bindTable(subscribers, 'read')
      .bindTable(deliveries, 'readWrite')
      .bindQueue(sendQueue, 'SEND_QUEUE_URL')
      .bindSes(sending, ['ses:SendEmail', 'ses:SendBulkEmail']);

    const sender = new HeraldFunction(this, 'Sender', {
      entry: 'functions/handlers/sender.ts',
      description: 'Herald sender: one SQS message, one SendBulkEmail call of up to 50 recipients',
      timeout: SENDER_TIMEOUT,
      withAssets: true,
      environment: publicUrl,
    })
      .bindTable(issues, 'readWrite')
      .bindTable(deliveries, 'readWrite')
      .bindTable(subscribers, 'read')
      .bindSes(sending, ['ses:SendBulkEmail', 'ses:SendEmail', 'ses:GetAccount']);
    sender.addEventSource(
      new SqsEventSource(sendQueue, {
        batchSize: 1, // a message already holds up to 50 recipients: one SES call
        reportBatchItemFailures: true,
        maxConcurrency: settings.maxSendConcurrency,
      }),
    );

    const sesEvents = new HeraldFunction(this, 'SesEvents', {
      entry: 'functions/handlers/ses-events.ts',
      description: 'Herald SES events: delivery, bounce, complaint, open and click per recipient',
      memorySize: 256,
      environment: publicUrl,
    })
      .bindTable(issues, 'readWrite')
      .bindTable(deliveries, 'readWrite')
      .bindTable(subscribers, 'readWrite')
      .bindSes(sending);
    props.sesEventsTopic.addSubscription(new LambdaSubscription(sesEvents));

    const accessLogs = new LogGroup(this, 'HttpApiAccessLogs', { retention: RetentionDays.THREE_MONTHS });
    const httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Herald: every route goes to the Api function, which routes by method and path',
      createDefaultStage: false,
      defaultIntegration: new HttpLambdaIntegration('ApiIntegration', api),
    });
    const stage = httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      // Public routes (signup, tracking) are open to anyone: cap what they can cost us.
      throttle: { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            method: '$context.httpMethod',
            path: '$context.path',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latency: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    Validations.of(httpApi).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Temporary: the Api function checks the admin bearer token on editor routes; a Cognito JWT authorizer ' +
        'replaces it in a later issue. Public routes (subscribe, unsubscribe, tracking, archive) stay open by design.',
    });

    new CfnOutput(this, 'ApiUrl', { value: stage.url, description: 'Base URL of the HTTP API' });
  }
}
