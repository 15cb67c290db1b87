// The composition root: SDK clients made once, adapters bound to the configured tables, the domain's ports filled.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createDynamoAudience } from '../adapters/dynamo-audience.ts';
import { createDynamoContentStore } from '../adapters/dynamo-content-store.ts';
import { createDynamoDeliveryStore } from '../adapters/dynamo-delivery-store.ts';
import { createDynamoIssueStore } from '../adapters/dynamo-issue-store.ts';
import { createDynamoSubscriberStore } from '../adapters/dynamo-subscriber-store.ts';
import { createDynamoRateLimiter } from '../adapters/dynamo-rate-limiter.ts';
import { createPageRenderer, type PageRenderer } from '../adapters/page-renderer.ts';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createTokens } from '../domain/tokens.ts';
import type { SubscriberDeps } from '../domain/subscribers.ts';
import { createMjmlRenderer } from '../adapters/mjml-renderer.ts';
import { createSesMailer } from '../adapters/ses-mailer.ts';
import { createSqsQueue } from '../adapters/sqs-queue.ts';
import type { BatchQueue, Edition, Mailer, SendScheduler } from '../domain/ports.ts';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { createEventBridgeScheduler } from '../adapters/eventbridge-scheduler.ts';
import type { SendDeps } from '../domain/sending.ts';
import type { Language } from '../domain/reference.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';

export interface Services extends SendDeps, SubscriberDeps {
  config: Config;
  scheduler: SendScheduler;
  /** The localized public pages (signup, confirmation, unsubscribe, preferences). */
  pages: PageRenderer;
  /** A language's edition, read once per warm process: editions never change after the send starts. */
  edition(issueId: string, language: Language): Promise<Edition | undefined>;
}

export function createClients() {
  const dynamoDb = new DynamoDBClient({});
  return {
    dynamoDb,
    dynamo: DynamoDBDocumentClient.from(dynamoDb, { marshallOptions: { removeUndefinedValues: true } }),
    // The SESv2 client reads AWS_ENDPOINT_URL_SESV2; the contract names AWS_ENDPOINT_URL_SES, so both work.
    ses: new SESv2Client({ endpoint: process.env.AWS_ENDPOINT_URL_SESV2 ?? process.env.AWS_ENDPOINT_URL_SES }),
    sqs: new SQSClient({}),
    scheduler: new SchedulerClient({}),
    secrets: new SecretsManagerClient({}),
  };
}
export type Clients = ReturnType<typeof createClients>;

export async function createServices(
  config: Config,
  clients: Clients = createClients(),
  overrides: { queue?: BatchQueue; scheduler?: SendScheduler; wrapMailer?: (ses: Mailer) => Mailer } = {},
): Promise<Services> {
  const issues = createDynamoIssueStore(clients.dynamo, config.tables.issues);
  const tokenKey =
    'value' in config.tokenSecret
      ? config.tokenSecret.value
      : (await clients.secrets.send(new GetSecretValueCommand({ SecretId: config.tokenSecret.arn }))).SecretString;
  if (!tokenKey) throw new ConfigError('the token secret is empty');
  const pages = await createPageRenderer(config.assetsDir);
  const editions = new Map<string, Promise<Edition | undefined>>();
  const queue =
    overrides.queue ??
    (config.sendQueueUrl
      ? createSqsQueue(clients.sqs, config.sendQueueUrl)
      : unavailable<BatchQueue>('sending needs SEND_QUEUE_URL'));
  const scheduler =
    overrides.scheduler ??
    (config.scheduler
      ? createEventBridgeScheduler(clients.scheduler, config.scheduler)
      : unavailable<SendScheduler>(
          'scheduling needs SCHEDULE_GROUP, SCHEDULED_SEND_FUNCTION_ARN and SCHEDULER_ROLE_ARN',
        ));
  return {
    config,
    scheduler,
    issues,
    content: createDynamoContentStore(clients.dynamo, config.tables.content),
    subscribers: createDynamoSubscriberStore(clients.dynamo, config.tables.subscribers),
    rateLimiter: createDynamoRateLimiter(clients.dynamo, config.tables.subscribers),
    tokens: createTokens(Buffer.from(tokenKey)),
    pages,
    messages: pages,
    limits: config.signupLimits,
    audience: createDynamoAudience(clients.dynamo, config.tables.subscribers),
    deliveries: createDynamoDeliveryStore(clients.dynamo, config.tables.deliveries),
    mailer: (overrides.wrapMailer ?? ((ses) => ses))(
      createSesMailer(clients.ses, {
        fromAddress: config.fromAddress,
        configurationSet: config.configurationSet,
      }),
    ),
    renderer: await createMjmlRenderer(config.assetsDir),
    queue,
    clock: { now: () => new Date() },
    publicUrl: config.publicUrl,
    edition(issueId, language) {
      const key = `${issueId}#${language}`;
      let found = editions.get(key);
      if (!found) {
        found = issues.getEdition(issueId, language);
        editions.set(key, found);
        // A miss is not kept: the edition may be stored a moment later.
        void found.then((e) => e ?? editions.delete(key));
      }
      return found;
    },
  };
}

/** A port this function is not configured for: using it fails with the settings it lacks. */
function unavailable<T extends object>(message: string): T {
  return new Proxy({} as T, { get: () => () => Promise.reject(new ConfigError(message)) });
}

let fromEnvironment: Promise<Services> | undefined;
/** The Lambda entry points' services, made on first use from the environment. */
export function servicesFromEnvironment(): Promise<Services> {
  fromEnvironment ??= createServices(loadConfig());
  return fromEnvironment;
}
