// What the Sender, FanOut and SesEvents functions need: stores, the mailer, the pacer, the link signer and the
// project's reference, but no renderer, so their bundles carry no MJML.
import { createDynamoDeliveryStore } from '../adapters/dynamo-delivery-store.ts';
import { createDynamoIssueStore } from '../adapters/dynamo-issue-store.ts';
import { createDynamoSendCounters } from '../adapters/dynamo-send-counters.ts';
import { createDynamoPeopleSketches } from '../adapters/dynamo-people-sketches.ts';
import { createDynamoGrowthCounters } from '../adapters/dynamo-growth-counters.ts';
import type { GrowthCounters } from '../domain/growth.ts';
import { createDynamoSubscriberStore } from '../adapters/dynamo-subscriber-store.ts';
import { createDynamoAudience } from '../adapters/dynamo-audience.ts';
import { createDynamoAudienceTallies } from '../adapters/dynamo-audience-tallies.ts';
import { tallyChange, type AudienceTallies } from '../domain/audience.ts';
import { createDynamoSendPacer } from '../adapters/dynamo-send-pacer.ts';
import { createSesMailer, createSesQuota } from '../adapters/ses-mailer.ts';
import { createSqsQueue } from '../adapters/sqs-queue.ts';
import { DEFAULT_POLICY, type DeliveryDeps } from '../domain/delivery.ts';
import type { FanOutDeps } from '../domain/sending.ts';
import type {
  AudienceSource,
  BatchQueue,
  Clock,
  DeliveryStore,
  Edition,
  IssueStore,
  Mailer,
  PeopleSketches,
  QuotaSource,
  SendCounters,
  SendPacer,
} from '../domain/ports.ts';
import { referenceOf, type Language, type Reference } from '../domain/reference.ts';
import { loadProfile } from '../../contracts/profile.ts';
import type { SubscriberRepository } from '../domain/subscribers.ts';
import { createTokens, type Tokens } from '../domain/tokens.ts';
import { createClients, forTable, tokenKey, unavailable, type Clients } from './clients.ts';
import { loadConfig, type Config } from './config.ts';
import { onceStarted } from './startup.ts';

export interface DeliveryServices extends DeliveryDeps, FanOutDeps {
  config: Config;
  issues: IssueStore;
  /** What sends count, in the issues table beside the issues. */
  counters: SendCounters;
  /** Who each issue reached, and who opened and clicked it, as sketches beside its counters. */
  sketches: PeopleSketches;
  /** Audience growth per day and segment, in the issues table apart from any issue. */
  growth: GrowthCounters;
  /** Delivery records: the sender's claims, the events' and tracking's marks, the reads (one table). */
  deliveries: DeliveryStore;
  subscribers: SubscriberRepository;
  mailer: Mailer;
  pacer: SendPacer;
  quota: QuotaSource;
  audience: AudienceSource;
  /** Subscribers per segment and status, kept by the subscriber store with each write (an issue's audience). */
  tallies: AudienceTallies;
  /** The send queue, which the fan-out fills. */
  queue: BatchQueue;
  tokens: Tokens;
  clock: Clock;
  publicUrl: string;
  /** The project's reference data, from its profile (HERALD_PROJECT). */
  reference: Reference;
  /** A language's edition, read once per warm process: editions never change after the send starts. */
  edition(issueId: string, language: Language): Promise<Edition | undefined>;
}

const systemClock: Clock = { now: () => new Date() };

export async function createDeliveryServices(
  config: Config,
  clients: Clients = createClients(),
  overrides: {
    wrapMailer?: (ses: Mailer) => Mailer;
    queue?: BatchQueue;
    sleep?: (ms: number) => Promise<void>;
    /** The reference, when the caller loaded the profile already (with its locales checked). */
    reference?: Reference;
  } = {},
): Promise<DeliveryServices> {
  // These functions render nothing and carry no locales: the synth checked them against the same profile.
  const reference = overrides.reference ?? referenceOf(loadProfile(config.profileFile));
  const issues = forTable(config, 'issues', (table) => createDynamoIssueStore(clients.dynamo, table));
  const tallies = forTable(config, 'issues', (table) =>
    createDynamoAudienceTallies(clients.dynamo, clients.fast, table),
  );
  // Each edition's read is kept once it found the edition; a miss (stored a moment later) or a failure is not.
  const editions = new Map<string, () => Promise<Edition | undefined>>();
  const quota = createSesQuota(clients.ses);
  const ses = config.sender
    ? createSesMailer(clients.sesBulk, config.sender)
    : unavailable<Mailer>('sending mail needs HERALD_FROM_ADDRESS and SES_CONFIGURATION_SET');
  return {
    config,
    issues,
    counters: forTable(config, 'issues', (table) => createDynamoSendCounters(clients.dynamo, clients.fast, table)),
    sketches: forTable(config, 'issues', (table) => createDynamoPeopleSketches(clients.dynamo, table)),
    growth: forTable(config, 'issues', (table) => createDynamoGrowthCounters(clients.dynamo, table)),
    deliveries: forTable(config, 'deliveries', (table) =>
      createDynamoDeliveryStore(clients.dynamo, clients.fast, table),
    ),
    subscribers: forTable(config, 'subscribers', (table) =>
      createDynamoSubscriberStore(clients.dynamo, clients.fast, table, {
        onChange: (before, after) => tallies.add(tallyChange(before, after)),
      }),
    ),
    tallies,
    mailer: overrides.wrapMailer ? overrides.wrapMailer(ses) : ses,
    quota,
    pacer: forTable(config, 'issues', (table) => createDynamoSendPacer(clients.dynamo, table, quota)),
    policy: { ...DEFAULT_POLICY, claimTimeoutMs: config.sending.claimTimeoutMs },
    audience: forTable(config, 'subscribers', (table) => createDynamoAudience(clients.dynamo, table)),
    queue:
      overrides.queue ??
      (config.sendQueueUrl
        ? createSqsQueue(clients.sqs, config.sendQueueUrl)
        : unavailable<BatchQueue>('the fan-out needs SEND_QUEUE_URL')),
    ...(overrides.sleep && { sleep: overrides.sleep }),
    tokens: config.tokenSecret
      ? createTokens(await tokenKey(config.tokenSecret, clients), systemClock)
      : unavailable<Tokens>('signing and checking links needs HERALD_TOKEN_SECRET or TOKEN_SECRET_ARN'),
    clock: systemClock,
    publicUrl: config.publicUrl,
    reference,
    edition(issueId, language) {
      const key = `${issueId}#${language}`;
      let read = editions.get(key);
      if (!read) {
        read = onceStarted(
          () => issues.getEdition(issueId, language),
          (edition) => edition !== undefined,
        );
        editions.set(key, read);
      }
      return read();
    },
  };
}

/** The Sender's, FanOut's and SesEvents' services, made from the environment (their handlers keep them). */
export const deliveryServicesFromEnvironment = () => createDeliveryServices(loadConfig());
