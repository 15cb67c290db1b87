// The stateless stack: functions, HTTP API, send queue, send schedules and the web front door (CloudFront, site
// bucket); replaceable at any deploy, it reaches the data and the user pool through props.
import { CfnOutput, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpRoute, HttpRouteKey, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ROUTES } from '../functions/handlers/routes.ts';
import { SES_EVENTS_BATCH_SIZE } from '../functions/handlers/ses-events.ts';
import { HeraldFunction, type SesSending } from './constructs/herald-function.ts';
import { HeraldSchedules } from './constructs/herald-schedules.ts';
import { HeraldSite } from './constructs/herald-site.ts';
import { readSettings } from './settings.ts';
import type { HeraldData } from './stateful-stack.ts';

export interface StatelessStackProps extends StackProps, HeraldData {}

const routeId = (name: string) => `${name[0]!.toUpperCase()}${name.slice(1)}Route`;

const SENDER_TIMEOUT = Duration.seconds(60);
/** Deliveries of a batch before it goes to the dead letters; the last one records what is left as failed. */
const SEND_MAX_RECEIVES = 5;
/** One segment's audience read into batches: 15 minutes covers millions of subscribers (about 20,000 a second). */
const FAN_OUT_TIMEOUT = Duration.minutes(15);
/** A batch of SES events: a read, a conditional write per event and the summed counters. */
const SES_EVENTS_TIMEOUT = Duration.seconds(60);

/** The EventBridge Scheduler group of the one-time `send-<issueId>` schedules. */
export const SCHEDULE_GROUP_NAME = 'herald-sends';

/** The env var carrying the token secret's ARN (functions/wiring/config.ts). */
export const TOKEN_SECRET_ENV = 'TOKEN_SECRET_ARN';

/** Why a route of the contract has no authorizer (cdk-nag APIG4). */
export const PUBLIC_ROUTE_REASON =
  'Public by the HTTP contract: the archive, signup and its confirmation, unsubscribe and preferences. The ' +
  'links in emails carry a signed token; signup is rate-limited per IP and per address.';

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

    const sendQueue = this.queueWithDeadLetters('Send', SENDER_TIMEOUT, SEND_MAX_RECEIVES);
    const fanOutQueue = this.queueWithDeadLetters('FanOut', FAN_OUT_TIMEOUT, 3);

    // The Api's send route, run by EventBridge Scheduler at the scheduled time.
    const scheduledSend = new HeraldFunction(this, 'ScheduledSend', {
      entry: 'functions/handlers/scheduled-send.ts',
      description: 'Herald scheduled send: freezes and renders a scheduled issue and enqueues its audience',
      memorySize: 1024,
      // Not behind API Gateway: room to page through the whole audience.
      timeout: Duration.minutes(5),
      withAssets: true,
      environment: publicUrl,
    })
      .bindTable(content, 'read')
      .bindTable(issues, 'readWrite')
      .bindTable(subscribers, 'read')
      .bindTable(deliveries, 'name')
      .bindQueue(fanOutQueue, 'FAN_OUT_QUEUE_URL')
      // GetAccount: a send is refused when the audience exceeds what is left of the daily quota.
      .bindSes(sending, ['ses:GetAccount'])
      .bindSecret(props.tokenSecret, TOKEN_SECRET_ENV);
    const schedules = new HeraldSchedules(this, 'Schedules', {
      groupName: SCHEDULE_GROUP_NAME,
      target: scheduledSend,
    });

    const api = new HeraldFunction(this, 'Api', {
      entry: 'functions/handlers/api.ts',
      description: 'Herald HTTP API: editor, public and coordinator routes',
      // MJML rendering is CPU-bound and Lambda gives CPU in proportion to memory.
      memorySize: 1024,
      // API Gateway gives up after 30 s.
      timeout: Duration.seconds(29),
      withAssets: true,
      environment: {
        ...publicUrl,
        HERALD_SIGNUP_RATE_LIMIT: String(settings.signupLimits.perIpPerMinute),
        HERALD_SIGNUP_ADDRESS_LIMIT: String(settings.signupLimits.perAddressPerHour),
      },
    })
      .bindTable(content, 'readWrite')
      .bindTable(issues, 'readWrite')
      // Signup, confirmation, preferences and erasure write subscribers; the rate limiter its counters.
      .bindTable(subscribers, 'readWrite')
      .bindTable(deliveries, 'readWrite')
      .bindQueue(fanOutQueue, 'FAN_OUT_QUEUE_URL')
      .bindSes(sending, ['ses:SendEmail', 'ses:SendBulkEmail', 'ses:GetAccount'])
      .bindScheduler(schedules)
      .bindSecret(props.tokenSecret, TOKEN_SECRET_ENV);

    const fanOut = new HeraldFunction(this, 'FanOut', {
      entry: 'functions/handlers/fan-out.ts',
      description: 'Herald fan-out: reads one (country, language) audience page by page into send batches',
      timeout: FAN_OUT_TIMEOUT,
      environment: publicUrl,
    })
      .bindTable(content, 'name')
      .bindTable(issues, 'readWrite')
      .bindTable(subscribers, 'read')
      .bindTable(deliveries, 'read')
      .bindQueue(sendQueue, 'SEND_QUEUE_URL')
      // Its configuration names the sender; it calls no SES action.
      .bindSes(sending)
      .bindSecret(props.tokenSecret, TOKEN_SECRET_ENV);
    fanOut.addEventSource(new SqsEventSource(fanOutQueue, { batchSize: 1, reportBatchItemFailures: true }));

    // The senders' pace is the account's MaxSendRate (a shared pacer in DynamoDB); their number follows from the
    // same rate: one 50-recipient call each per second or so, and one more so a slow call never stalls the pace.
    const senders = Math.min(1000, Math.max(2, Math.ceil(settings.maxSendRate / 50) + 1));
    const sender = new HeraldFunction(this, 'Sender', {
      entry: 'functions/handlers/sender.ts',
      description: 'Herald sender: one SQS message, one SendBulkEmail call of up to 50 recipients',
      timeout: SENDER_TIMEOUT,
      reservedConcurrentExecutions: senders,
      environment: {
        ...publicUrl,
        SEND_MAX_RECEIVES: String(SEND_MAX_RECEIVES),
        // A claim older than one run of the Sender belongs to a run that stopped.
        SEND_CLAIM_TIMEOUT_SECONDS: String(SENDER_TIMEOUT.toSeconds()),
      },
    })
      // The configuration names every table; the sender never reads content.
      .bindTable(content, 'name')
      .bindTable(issues, 'readWrite')
      .bindTable(deliveries, 'readWrite')
      .bindTable(subscribers, 'read')
      .bindQueue(sendQueue, 'SEND_QUEUE_URL') // a send's end check queues its next look
      .bindSes(sending, ['ses:SendBulkEmail', 'ses:GetAccount'])
      .bindSecret(props.tokenSecret, TOKEN_SECRET_ENV);
    sender.addEventSource(
      new SqsEventSource(sendQueue, {
        batchSize: 1, // a message already holds up to 50 recipients: one SES call
        reportBatchItemFailures: true,
        maxConcurrency: senders,
      }),
    );

    const sesEvents = new HeraldFunction(this, 'SesEvents', {
      entry: 'functions/handlers/ses-events.ts',
      description: 'Herald SES events: delivery, bounce, complaint, open and click per recipient',
      memorySize: 256,
      timeout: SES_EVENTS_TIMEOUT,
      environment: publicUrl,
    })
      .bindTable(content, 'name')
      .bindTable(issues, 'readWrite')
      .bindTable(deliveries, 'readWrite')
      // A hard bounce or a complaint suppresses the subscriber.
      .bindTable(subscribers, 'readWrite')
      .bindSes(sending)
      .bindSecret(props.tokenSecret, TOKEN_SECRET_ENV);
    // SNS -> SQS -> Lambda rather than SNS -> Lambda: the queue hands the function 100 events at a time, whose
    // counts are summed into one write per counter, and keeps what could not be ingested.
    const sesEventsQueue = this.queueWithDeadLetters('SesEvents', SES_EVENTS_TIMEOUT, 5);
    props.sesEventsTopic.addSubscription(new SqsSubscription(sesEventsQueue, { rawMessageDelivery: true }));
    sesEvents.addEventSource(
      new SqsEventSource(sesEventsQueue, {
        batchSize: SES_EVENTS_BATCH_SIZE,
        maxBatchingWindow: Duration.seconds(5),
        reportBatchItemFailures: true,
      }),
    );

    const accessLogs = new LogGroup(this, 'HttpApiAccessLogs', { retention: RetentionDays.THREE_MONTHS });
    const httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Herald: the routes of functions/handlers/routes.ts, all to the Api function',
      createDefaultStage: false,
    });
    const stage = httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      // Public routes (archive, signup, unsubscribe, preferences) are open to anyone: cap what they can cost us.
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
            authorizerError: '$context.authorizer.error',
          }),
        ),
      },
    });

    // One route per entry of the route table and no catch-all: API Gateway answers 404 to any other path.
    // API Gateway checks the JWT (signature, expiry, issuer, audience); the Api function checks the role
    // from the `cognito:groups` claim.
    const authorizer = new HttpUserPoolAuthorizer('CognitoAuthorizer', props.userPool, {
      userPoolClients: [props.webClient],
    });
    // One invoke permission for the whole API rather than one per route (the function policy has a size limit).
    const integration = new HttpLambdaIntegration('ApiIntegration', api, { scopePermissionToRoute: false });
    for (const [name, spec] of Object.entries(ROUTES)) {
      const isPublic = spec.access === 'public';
      const route = new HttpRoute(httpApi, routeId(name), {
        httpApi,
        routeKey: HttpRouteKey.with(spec.path, HttpMethod[spec.method]),
        integration,
        authorizer: isPublic ? undefined : authorizer,
      });
      if (isPublic) {
        Validations.of(route).acknowledge({ id: 'AwsSolutions-APIG4', reason: PUBLIC_ROUTE_REASON });
      }
    }

    const site = new HeraldSite(this, 'Site', {
      httpApi,
      webDir: settings.webDir,
      webConfig: {
        region: this.region,
        userPoolId: props.userPool.userPoolId,
        userPoolClientId: props.webClient.userPoolClientId,
        ...(props.authDomainUrl && { authDomainUrl: props.authDomainUrl }),
      },
      customDomain: settings.customDomain,
    });

    new CfnOutput(this, 'ApiUrl', { value: stage.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'DistributionUrl', {
      value: `https://${site.distribution.distributionDomainName}`,
      description:
        'URL of the web app and the public pages; set herald:publicUrl to it (or to the custom domain) and deploy again',
    });
    new CfnOutput(this, 'DistributionId', {
      value: site.distribution.distributionId,
      description: 'CloudFront distribution of the web app (for invalidations)',
    });
  }

  /**
   * An encrypted, TLS-only queue (`<name>Queue`) whose messages go to `<name>DeadLetters` after `maxReceiveCount`
   * receives. The visibility timeout is six times the consumer's timeout, as AWS advises, so retries inside a
   * slow invocation do not count as failed receives.
   */
  private queueWithDeadLetters(name: string, consumerTimeout: Duration, maxReceiveCount: number) {
    const secure = { enforceSSL: true, encryption: QueueEncryption.SQS_MANAGED };
    const deadLetters = new Queue(this, `${name}DeadLetters`, { ...secure, retentionPeriod: Duration.days(14) });
    return new Queue(this, `${name}Queue`, {
      ...secure,
      visibilityTimeout: Duration.seconds(consumerTimeout.toSeconds() * 6),
      deadLetterQueue: { queue: deadLetters, maxReceiveCount },
    });
  }
}
