// The stateless stack: functions, HTTP API, send queue, send schedules and the web front door (CloudFront, site
// bucket); replaceable at any deploy, it reaches the data and the user pool through props.
import { Annotations, CfnOutput, Duration, Stack, Token, Validations, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  ApiMapping,
  CfnStage,
  DomainName,
  HttpApi,
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  LogGroupLogDestination,
  SecurityPolicy,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { Architecture } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption, type IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { EDGE_HEADER } from '../contracts/headers.ts';
import { SES_EVENTS_BATCH_SIZE } from '../contracts/limits.ts';
import { apiFunctionOf, ROUTES, type ApiFunction, type RouteName, type RouteSpec } from '../contracts/routes.ts';
import { apiGatewayPaths } from './route-keys.ts';
import {
  EDITOR_API_CONCURRENCY,
  EDITOR_THROTTLE,
  MIN_UNRESERVED_CONCURRENCY,
  PUBLIC_API_CONCURRENCY,
  throttleOf,
  UNSUBSCRIBE_API_CONCURRENCY,
  IMAGES_API_CONCURRENCY,
} from './api-limits.ts';
import { HeraldFunction, type SesSending } from './constructs/herald-function.ts';
import { HeraldSchedules } from './constructs/herald-schedules.ts';
import { HeraldSite } from './constructs/herald-site.ts';
import { siteAssetFiles } from '../contracts/assets.ts';
import { SendMonitoring } from './constructs/send-monitoring.ts';
import { readSettings } from './settings.ts';
import type { HeraldData } from './stateful-stack.ts';
import type { ProjectProfile } from './project.ts';

export interface StatelessStackProps extends StackProps, HeraldData {
  /** The project profile every function carries and loads. */
  readonly project: ProjectProfile;
}

const routeId = (name: string) => `${name[0]!.toUpperCase()}${name.slice(1)}Route`;

const SENDER_TIMEOUT = Duration.seconds(60);
/** Deliveries of a batch before it goes to the dead letters; the last one records what is left as failed. */
const SEND_MAX_RECEIVES = 5;
/** One segment's audience read into batches: 15 minutes covers millions of subscribers (about 20,000 a second). */
const FAN_OUT_TIMEOUT = Duration.minutes(15);
/** A batch of SES events: a read, a conditional write per event and the summed counters. */
const SES_EVENTS_TIMEOUT = Duration.seconds(60);

/** The EventBridge Scheduler group of the one-time `send-<issueId>` (and `send-<issueId>-<start>`) schedules. */
export const SCHEDULE_GROUP_NAME = 'herald-sends';

/** The env var carrying the token secret's ARN (functions/wiring/config.ts). */
export const TOKEN_SECRET_ENV = 'TOKEN_SECRET_ARN';
/** The env var carrying the ARN of the secret CloudFront sends in EDGE_HEADER (functions/wiring/config.ts). */
export const EDGE_SECRET_ENV = 'EDGE_SECRET_ARN';

/** Why a route of the contract has no authorizer (cdk-nag APIG4). */
export const PUBLIC_ROUTE_REASON =
  'Public by the HTTP contract: the archive, signup and its confirmation, unsubscribe and preferences. The ' +
  'links in emails carry a signed token; signup is rate-limited per IP and per address.';

export class StatelessStack extends Stack {
  /** Each dead-letter queue by the name of the queue it serves: every one has an alarm. */
  private readonly deadLetterQueues: Record<string, IQueue> = {};

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const settings = readSettings(this.node, props.project.profile);
    const { project } = props;
    const { content, issues, subscribers, deliveries } = props.tables;
    const sending: SesSending = {
      configurationSetName: props.configurationSetName,
      identity: props.sesIdentityName,
      fromAddress: settings.fromAddress,
    };
    const publicUrl = { HERALD_PUBLIC_URL: settings.publicUrl };

    const sendQueue = this.queueWithDeadLetters('Send', SENDER_TIMEOUT, SEND_MAX_RECEIVES);
    const fanOutQueue = this.queueWithDeadLetters('FanOut', FAN_OUT_TIMEOUT, 3);

    // The Api's send route, run by EventBridge Scheduler at the scheduled time.
    const scheduledSend = new HeraldFunction(this, 'ScheduledSend', {
      project,
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
      .bindQueue(fanOutQueue, 'FAN_OUT_QUEUE_URL')
      // GetAccount: a send is refused when the audience exceeds what is left of the daily quota.
      .bindSes(sending, ['ses:GetAccount']);
    const schedules = new HeraldSchedules(this, 'Schedules', {
      groupName: SCHEDULE_GROUP_NAME,
      target: scheduledSend,
    });

    // The HTTP API is served by three functions, each with a role for its own routes only (contracts/routes.ts).
    // MJML rendering is CPU-bound and Lambda gives CPU in proportion to memory; API Gateway gives up after 30 s.
    const apiFunction = { memorySize: 1024, timeout: Duration.seconds(29), withAssets: true, project };
    // Signup, confirmation, preferences, export and erasure, tracking and the archive.
    const publicApi = new HeraldFunction(this, 'PublicApi', {
      ...apiFunction,
      entry: 'functions/handlers/public-api.ts',
      description: 'Herald public API: signup, confirmation, preferences, tracking and the archive',
      reservedConcurrentExecutions: PUBLIC_API_CONCURRENCY,
      environment: {
        ...publicUrl,
        HERALD_SIGNUP_RATE_LIMIT: String(settings.signupLimits.perIpPerMinute),
        HERALD_SIGNUP_ADDRESS_LIMIT: String(settings.signupLimits.perAddressPerHour),
      },
    })
      // Signup's conditional write, the rate limiter's counters, confirm, preferences, erasure.
      .bindTable(subscribers, { actions: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'] })
      // Editions (archive, click redirects), counters (opens, clicks), the issues list (export, erasure).
      .bindTable(issues, { actions: ['GetItem', 'UpdateItem'], indexes: ['byCreatedAt'] })
      // A subscriber's records (export; erasure puts an anonymous record in place of each) and the opens and clicks
      // marked on them.
      .bindTable(deliveries, { actions: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'] })
      // The signup's confirmation email.
      .bindSes(sending, ['ses:SendBulkEmail'])
      .bindSecret(props.tokenSecret, TOKEN_SECRET_ENV);
    // The unsubscribe link's page and its one-click POST (RFC 8058), apart: their reserved concurrency is theirs alone,
    // so a flood on signup, tracking or the archive cannot throttle an unsubscribe.
    const unsubscribeApi = new HeraldFunction(this, 'UnsubscribeApi', {
      ...apiFunction,
      entry: 'functions/handlers/unsubscribe-api.ts',
      description: 'Herald unsubscribe API: the unsubscribe page and one-click unsubscribe (RFC 8058)',
      reservedConcurrentExecutions: UNSUBSCRIBE_API_CONCURRENCY,
      environment: publicUrl,
    })
      // The subscriber behind the link (the page), and the one conditional write that unsubscribes them.
      .bindTable(subscribers, { actions: ['GetItem', 'UpdateItem'] })
      // The issue's unsubscribe counters; no edition, no issue is read.
      .bindTable(issues, { actions: ['UpdateItem'] })
      // The recipient's delivery record of that issue, marked once so the unsubscribe counts once.
      .bindTable(deliveries, { actions: ['GetItem', 'UpdateItem'] })
      .bindSecret(props.tokenSecret, TOKEN_SECRET_ENV);
    // Records, issues, previews and test sends, starting and scheduling sends, statistics.
    const editorApi = new HeraldFunction(this, 'EditorApi', {
      ...apiFunction,
      entry: 'functions/handlers/editor-api.ts',
      description: 'Herald editor API: records, issues, sends and statistics (behind the JWT authorizer)',
      reservedConcurrentExecutions: EDITOR_API_CONCURRENCY,
      environment: publicUrl,
    })
      .bindTable(content, { actions: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'DeleteItem'] })
      // DeleteItem: a draft is deleted (a conditional delete: never an issue whose send started).
      .bindTable(issues, {
        actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'],
        indexes: ['byCreatedAt'],
      })
      // The audience counted per (country, language) from the index. Admins' subscriber routes: the list (a scan),
      // a subscriber's page and changes, erasure (its rate-limit counters too), suppression lists; an import reads
      // the states (and erasure marks) of its rows 100 at a time and creates each new subscriber with a conditional
      // PutItem.
      .bindTable(subscribers, {
        actions: ['BatchGetItem', 'GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Scan'],
        indexes: ['byAudience'],
      })
      // A subscriber's deliveries, and the anonymous records an erasure puts in place of theirs.
      .bindTable(deliveries, { actions: ['GetItem', 'PutItem', 'DeleteItem'] })
      .bindQueue(fanOutQueue, 'FAN_OUT_QUEUE_URL')
      // Test sends and an import's confirmation emails; GetAccount: a send is refused when the audience exceeds what
      // is left of the daily quota, and an import's confirmations are paced to the account's rate.
      .bindSes(sending, ['ses:SendBulkEmail', 'ses:GetAccount'])
      .bindScheduler(schedules)
      // Admins resend a confirmation link (signed) and erase (the rate limiter's keys are pseudonyms made with it);
      // an import's confirmation links, and the keyed hashes of erased addresses it checks.
      .bindSecret(props.tokenSecret, TOKEN_SECRET_ENV);
    // sharp's native library is copied from node_modules (offline, no Docker): the function runs on the
    // architecture whose binaries npm installed there, linux-x64 (see the README on other hosts).
    const imagesApi = new HeraldFunction(this, 'ImagesApi', {
      ...apiFunction,
      memorySize: 1536,
      entry: 'functions/handlers/images-api.ts',
      description: 'Herald images API: presigned uploads of record images and their email renditions (sharp)',
      reservedConcurrentExecutions: IMAGES_API_CONCURRENCY,
      architecture: Architecture.X86_64,
      nodeModules: ['sharp'],
      environment: publicUrl,
    });

    const fanOut = new HeraldFunction(this, 'FanOut', {
      project,
      entry: 'functions/handlers/fan-out.ts',
      description: 'Herald fan-out: reads one (country, language) audience page by page into send batches',
      timeout: FAN_OUT_TIMEOUT,
      // The send's end check, which the fan-out queues, waits one run of the Sender before it looks.
      environment: { ...publicUrl, SEND_CLAIM_TIMEOUT_SECONDS: String(SENDER_TIMEOUT.toSeconds()) },
    })
      .bindTable(issues, 'readWrite')
      .bindTable(subscribers, 'read')
      .bindTable(deliveries, 'read')
      .bindQueue(sendQueue, 'SEND_QUEUE_URL');
    fanOut.addEventSource(new SqsEventSource(fanOutQueue, { batchSize: 1, reportBatchItemFailures: true }));

    // The senders' pace is the account's MaxSendRate (a shared pacer in DynamoDB); their number follows from the
    // same rate: one 50-recipient call each per second or so, and one more so a slow call never stalls the pace.
    const senders = Math.min(1000, Math.max(2, Math.ceil(settings.maxSendRate / 50) + 1));
    const sender = new HeraldFunction(this, 'Sender', {
      project,
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

    // Lambda keeps some of the account's concurrency unreserved; a synth that reserves more would fail to deploy.
    const reserved =
      senders + PUBLIC_API_CONCURRENCY + UNSUBSCRIBE_API_CONCURRENCY + EDITOR_API_CONCURRENCY + IMAGES_API_CONCURRENCY;
    if (reserved > settings.accountConcurrency - MIN_UNRESERVED_CONCURRENCY) {
      throw new Error(
        `The functions reserve ${reserved} concurrent executions (Sender ${senders}, PublicApi ` +
          `${PUBLIC_API_CONCURRENCY}, UnsubscribeApi ${UNSUBSCRIBE_API_CONCURRENCY}, EditorApi ` +
          `${EDITOR_API_CONCURRENCY}), more than herald:accountConcurrency ` +
          `(${settings.accountConcurrency}) leaves above Lambda's ${MIN_UNRESERVED_CONCURRENCY} unreserved: ` +
          'ask AWS for a higher limit and set herald:accountConcurrency, or lower herald:maxSendRate.',
      );
    }

    const sesEvents = new HeraldFunction(this, 'SesEvents', {
      project,
      entry: 'functions/handlers/ses-events.ts',
      description: 'Herald SES events: delivery, bounce, complaint, open and click per recipient',
      memorySize: 256,
      timeout: SES_EVENTS_TIMEOUT,
      environment: publicUrl,
    })
      .bindTable(issues, 'readWrite')
      .bindTable(deliveries, 'readWrite')
      // A hard bounce or a complaint suppresses the subscriber.
      .bindTable(subscribers, 'readWrite');
    // SNS -> SQS -> Lambda rather than SNS -> Lambda: the queue hands the function SES_EVENTS_BATCH_SIZE events at a time, whose
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

    // API Gateway's own execute-api endpoint is off: the API answers at its custom domain only, which CloudFront
    // reaches with a secret header the functions check, so a request that skips CloudFront gets 403.
    const certificateArn =
      settings.apiDomain.certificateArn ??
      this.formatArn({ service: 'acm', resource: 'certificate', resourceName: 'set-herald-apiCertificateArn' });
    if (!settings.apiDomain.certificateArn) {
      Annotations.of(this).addWarningV2(
        'herald:api-certificate-missing',
        `herald:apiCertificateArn is not set: the synth uses a placeholder, so the deploy fails. Give the ARN of an ` +
          `ACM certificate for ${settings.apiDomain.domainName} in this stack's region.`,
      );
    }
    const certificateRegion = certificateArn.split(':')[3];
    if (!Token.isUnresolved(this.region) && settings.apiDomain.certificateArn && certificateRegion !== this.region) {
      throw new Error(`herald:apiCertificateArn must be a certificate in ${this.region}, not in ${certificateRegion}`);
    }
    const apiDomain = new DomainName(this, 'ApiDomain', {
      domainName: settings.apiDomain.domainName,
      certificate: Certificate.fromCertificateArn(this, 'ApiCertificate', certificateArn),
      securityPolicy: SecurityPolicy.TLS_1_2,
    });
    const edgeSecret = new Secret(this, 'EdgeSecret', {
      description: `Herald: the value CloudFront sends in ${EDGE_HEADER} to the HTTP API, which refuses requests without it`,
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    Validations.of(edgeSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'CloudFront holds the value in its origin configuration, updated by a deploy, while warm API functions keep ' +
        'the one they read at start: a rotation would refuse requests until both change. A stack update replaces ' +
        'it when needed (the API refuses requests for a moment).',
    });
    for (const fn of [publicApi, unsubscribeApi, editorApi, imagesApi]) fn.bindSecret(edgeSecret, EDGE_SECRET_ENV);

    const accessLogs = new LogGroup(this, 'HttpApiAccessLogs', { retention: RetentionDays.THREE_MONTHS });
    const httpApi = new HttpApi(this, 'HttpApi', {
      description:
        'Herald: the routes of contracts/routes.ts, to the PublicApi, UnsubscribeApi and EditorApi functions',
      createDefaultStage: false,
      disableExecuteApiEndpoint: true,
    });
    const stage = httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      // Each route has a throttle of its own (api-limits.ts): this is the editor routes', set on every route below.
      throttle: { rateLimit: EDITOR_THROTTLE.rate, burstLimit: EDITOR_THROTTLE.burst },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            method: '$context.httpMethod',
            // The route's template (`POST /unsubscribe/{token}`), not the path: paths carry subscribers' link tokens.
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
    // API Gateway checks the JWT (signature, expiry, issuer, audience); the EditorApi function checks the role
    // from the `cognito:groups` claim.
    // The stage at the domain's root (its own construct: the stage's domainMapping names it `<domain>undefined`).
    new ApiMapping(this, 'ApiMapping', { api: httpApi, domainName: apiDomain, stage });

    const authorizer = new HttpUserPoolAuthorizer('CognitoAuthorizer', props.userPool, {
      userPoolClients: [props.webClient],
    });
    // One invoke permission per function rather than one per route (the function policy has a size limit).
    const integrations: Record<ApiFunction, HttpLambdaIntegration> = {
      public: new HttpLambdaIntegration('PublicApiIntegration', publicApi, { scopePermissionToRoute: false }),
      unsubscribe: new HttpLambdaIntegration('UnsubscribeApiIntegration', unsubscribeApi, {
        scopePermissionToRoute: false,
      }),
      editor: new HttpLambdaIntegration('EditorApiIntegration', editorApi, { scopePermissionToRoute: false }),
      images: new HttpLambdaIntegration('ImagesApiIntegration', imagesApi, { scopePermissionToRoute: false }),
    };
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    const gatewayPaths = apiGatewayPaths();
    for (const [name, spec] of Object.entries(ROUTES) as [RouteName, RouteSpec][]) {
      const isPublic = spec.access === 'public';
      const routeKey = HttpRouteKey.with(gatewayPaths[name], HttpMethod[spec.method]);
      const route = new HttpRoute(httpApi, routeId(name), {
        httpApi,
        routeKey,
        integration: integrations[apiFunctionOf(spec)],
        authorizer: isPublic ? undefined : authorizer,
      });
      if (isPublic) {
        Validations.of(route).acknowledge({ id: 'AwsSolutions-APIG4', reason: PUBLIC_ROUTE_REASON });
      }
      const throttle = throttleOf(spec);
      routeSettings[routeKey.key] = { ThrottlingRateLimit: throttle.rate, ThrottlingBurstLimit: throttle.burst };
      // A stage's route settings name routes that must exist first.
      stage.node.addDependency(route);
    }
    (stage.node.defaultChild as CfnStage).routeSettings = routeSettings;

    const site = new HeraldSite(this, 'Site', {
      api: {
        domainName: apiDomain.name,
        headers: { [EDGE_HEADER]: edgeSecret.secretValue.unsafeUnwrap() },
      },
      webDir: settings.webDir,
      assets: siteAssetFiles(project.profile, project.file),
      webConfig: {
        region: this.region,
        userPoolId: props.userPool.userPoolId,
        userPoolClientId: props.webClient.userPoolClientId,
        ...(props.authDomainUrl && { authDomainUrl: props.authDomainUrl }),
      },
      customDomain: settings.customDomain,
      uploadOrigins: [new URL(settings.publicUrl).origin],
    });
    // Presigning a PUT needs the right to put; then the original is read and deleted, its renditions written.
    imagesApi
      .bindBucket(site.uploadsBucket, 'UPLOADS_BUCKET', ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'])
      .bindBucket(site.imagesBucket, 'IMAGES_BUCKET', ['s3:PutObject'], 'images/');

    const monitoring = new SendMonitoring(this, 'Monitoring', {
      alarmTopic: props.alarmTopic,
      deadLetterQueues: this.deadLetterQueues,
      sender,
    });
    new CfnOutput(this, 'SendDashboardUrl', {
      value: monitoring.url,
      description:
        'CloudWatch dashboard of sends: recipients per second, throttles, dead letters, bounce and complaint rates',
    });

    new CfnOutput(this, 'ApiDomainTarget', {
      value: apiDomain.regionalDomainName,
      description: `Point a CNAME record for ${settings.apiDomain.domainName} (herald:apiDomainName) at this name`,
    });
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
   * slow invocation do not count as failed receives. The dead letters are alarmed on (SendMonitoring).
   */
  private queueWithDeadLetters(name: string, consumerTimeout: Duration, maxReceiveCount: number) {
    const secure = { enforceSSL: true, encryption: QueueEncryption.SQS_MANAGED };
    const deadLetters = new Queue(this, `${name}DeadLetters`, { ...secure, retentionPeriod: Duration.days(14) });
    this.deadLetterQueues[name] = deadLetters;
    return new Queue(this, `${name}Queue`, {
      ...secure,
      visibilityTimeout: Duration.seconds(consumerTimeout.toSeconds() * 6),
      deadLetterQueue: { queue: deadLetters, maxReceiveCount },
    });
  }
}
