// The embedded stack: emulators, tables, the in-process queue and one HTTP server, all driving the
// same handlers as the Lambdas. Endpoints reach the SDK through the environment, as in AWS.
import type { Server } from 'node:http';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { SES_EVENTS_BATCH_SIZE } from '../contracts/limits.ts';
import { contentTable, deliveriesTable, issuesTable, subscribersTable, TABLES } from '../contracts/tables.ts';
import { fromHeader, loadProfile, PROFILE_ENV, profilePath, type Profile } from '../contracts/profile.ts';
import { WEB_VENDOR_FILES } from '../infra/web-vendor.ts';
import { siteAssetFiles } from '../contracts/assets.ts';
import { createApiHandler } from '../functions/handlers/api.ts';
import { createSenderHandler, sendBatchSchema } from '../functions/handlers/sender.ts';
import { parseJson } from '../functions/handlers/sqs-messages.ts';
import { createFanOutHandler } from '../functions/handlers/fan-out.ts';
import { isInterrupted, resumeSend } from '../functions/domain/resume.ts';
import { logger } from '../functions/wiring/logger.ts';
import type { SegmentJob } from '../functions/domain/ports.ts';
import { createScheduledSendHandler } from '../functions/handlers/scheduled-send.ts';
import { InProcessScheduler } from './scheduler.ts';
import { keyIn } from './secrets.ts';
import { withSimulatedEvents } from './ses-events.ts';
import { createSesEventsHandler } from '../functions/handlers/ses-events.ts';
import { loadConfig } from '../functions/wiring/config.ts';
import { createClients, createServices, type Clients, type Services } from '../functions/wiring/services.ts';
import { pdfMaker } from '../functions/wiring/report-pdf.ts';
import { csvReader } from '../functions/wiring/import-csv.ts';
import { reconcileGrowth } from '../functions/domain/growth.ts';
import { reconcileTallies } from '../functions/domain/audience.ts';
import { ensureTables, startDynalite, startSesEmulator, tableName, type Emulator } from './emulators.ts';
import { portOf, startHttpServer, type ApiHandler } from './http-server.ts';
import { LOCAL_UPLOAD_PREFIX, localImageStorage } from './image-uploads.ts';
import { sharpImageProcessor } from '../functions/adapters/sharp-images.ts';
import { MAX_IMAGE_BYTES } from '../functions/domain/images.ts';
import { createLocalAuthorizer, demoUsers } from './authorizer.ts';
import { InProcessQueue, sqsEvent } from './queue.ts';
import { demoCoordinatorRegion, sampleContentOf, seedSampleData, type SampleContent } from './seed.ts';

export interface StackOptions {
  dataDir: string;
  /** The project profile's file; HERALD_PROJECT or herald.project.json at the repository root by default. */
  profileFile?: string;
  /** 0 picks a free port (tests, the demo). */
  port: number;
  sesPort: number;
  dynamoPort: number;
  adminToken?: string;
  /** Sender invocations at once. */
  sendConcurrency?: number;
  /** Seconds before a failed batch is delivered again (the send queue's visibility timeout). */
  retryAfterSeconds?: number;
  /** Deliveries of a batch before it goes to the dead letters (maxReceiveCount). */
  maxReceives?: number;
  /** Seconds after delivery in which opens and clicks count as a machine's (HERALD_MACHINE_WINDOW_SECONDS). */
  machineWindowSeconds?: number;
  /** Milliseconds a client may take to send a request body before a 408 (30 s by default). */
  bodyTimeoutMs?: number;
  /** A Cognito hosted UI the web apps may call, as the deployment's herald-config.json names it (browser tests). */
  authOrigin?: string;
  /**
   * Called once the HTTP server listens, before the sample content is loaded and interrupted sends resumed; the
   * API answers 503 until it resolves and that work is done (tests watch start-up with it).
   */
  whileStarting?: (apiUrl: string) => Promise<void>;
  /** Given the SDK clients as soon as they are made, before any call (a benchmark meters them). */
  onClients?: (clients: Clients) => void;
}

export interface EmbeddedStack {
  services: Services;
  clients: Clients;
  /** The send queue (batches of recipients) and the fan-out queue (one job per segment of a send). */
  queue: InProcessQueue;
  fanOutQueue: InProcessQueue<SegmentJob>;
  /** Resolves once both queues are empty and idle. */
  drained(): Promise<void>;
  /** Sends this start found interrupted and resumed. */
  resumed: string[];
  scheduler: InProcessScheduler;
  urls: { api: string; dynamodb: string; ses: string };
  adminToken: string;
  /** Signed tokens of the demo users, as Cognito would issue them. */
  tokens: { editor: string; coordinator: string };
  editorToken: string;
  /** True when this start loaded the sample data (a fresh data directory). */
  seeded: boolean;
  /** The project this stack serves, from its profile. */
  profile: Profile;
  /** The sample content its profile names, if any (and so the sample issue's id). */
  sample: SampleContent | undefined;
  stop(): Promise<void>;
}

const TABLE_PREFIX = 'herald';
/** SES events the embedded stack holds (20,000 recipients' worth, about 15 MB) before a sender waits for ingesting. */
const MAX_WAITING_SES_EVENTS = 20_000;
/**
 * The SES events' event source gathers a batch for up to this long (5 s in AWS, infra): at a send's pace the
 * batches fill, so a send of 20,000 takes about 40 invocations (and their counter writes) instead of about 300; a
 * person watching the stats sees an event within a second.
 */
const SES_EVENTS_BATCHING_WINDOW_MS = 1_000;

/** An SES account with production access, as GetAccount answers it; aws-ses-v2-local reads it from the environment. */
export const LOCAL_SES_ACCOUNT = {
  DedicatedIpAutoWarmupEnabled: false,
  Details: {
    AdditionalContactEmailAddresses: [],
    ContactLanguage: 'EN',
    MailType: 'MARKETING',
    ReviewDetails: { CaseId: 'local', Status: 'GRANTED' },
    UseCaseDescription: 'Herald embedded stack',
    WebsiteURL: 'http://localhost',
  },
  EnforcementStatus: 'HEALTHY',
  ProductionAccessEnabled: true,
  SendingEnabled: true,
  SendQuota: { Max24HourSend: 1_000_000, MaxSendRate: 200, SentLast24Hours: 0 },
  SuppressionAttributes: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
};

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

const REPOSITORY_ROOT = fileURLToPath(new URL('../', import.meta.url));

/**
 * The data directory belongs to one project: a start with another project's profile stops here rather than mix the
 * two projects' subscribers and issues.
 */
function claimDataDir(dataDir: string, profile: Profile) {
  const file = join(dataDir, 'project.json');
  if (existsSync(file)) {
    const { shortName } = JSON.parse(readFileSync(file, 'utf8')) as { shortName?: string };
    if (shortName !== profile.shortName) {
      throw new Error(
        `The data directory ${dataDir} holds the project ${shortName}, not ${profile.shortName}: ` +
          'give this project a HERALD_DATA_DIR of its own.',
      );
    }
  }
  writeFileSync(file, `${JSON.stringify({ shortName: profile.shortName, name: profile.name })}\n`);
}

export async function startEmbeddedStack(options: StackOptions): Promise<EmbeddedStack> {
  // A bad profile stops the start before anything runs, naming every field at fault.
  const profileFile = options.profileFile ?? profilePath(process.env);
  const profile = loadProfile(profileFile, { localesDir: join(REPOSITORY_ROOT, 'locales') });
  mkdirSync(options.dataDir, { recursive: true });
  claimDataDir(options.dataDir, profile);
  const servers: Server[] = [];
  const emulators: Emulator[] = [];
  const previousEnv = { ...process.env };
  const env = process.env;
  // The SDK wants a region and credentials even for emulators; real ones are never needed here.
  env.AWS_REGION ??= 'eu-central-1';
  env.AWS_ACCESS_KEY_ID ??= 'local';
  env.AWS_SECRET_ACCESS_KEY ??= 'local';
  env.AWS_SES_ACCOUNT ??= JSON.stringify(LOCAL_SES_ACCOUNT);

  if (!env.AWS_ENDPOINT_URL_DYNAMODB) {
    const dynamo = await startDynalite(options.dataDir, options.dynamoPort);
    emulators.push(dynamo);
    env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.url;
  }
  if (!env.AWS_ENDPOINT_URL_SES) {
    const ses = await startSesEmulator(options.sesPort);
    emulators.push(ses);
    env.AWS_ENDPOINT_URL_SES = ses.url;
  }

  const retryAfterSeconds = options.retryAfterSeconds ?? 2;
  const maxReceives = options.maxReceives ?? 5;
  const adminToken = options.adminToken ?? env.HERALD_ADMIN_TOKEN ?? randomBytes(24).toString('base64url');
  const clients = createClients();
  options.onClients?.(clients);
  await ensureTables(clients.dynamoDb, TABLES, TABLE_PREFIX);

  // The HTTP server's port is known only once it listens, and the handlers need the public URL: bind first.
  const authorizer = createLocalAuthorizer(options.dataDir, adminToken);
  let api: ApiHandler = async () => ({
    statusCode: 503,
    headers: { 'content-type': 'application/json', 'retry-after': '1', 'cache-control': 'no-store' },
    body: '{"error":{"code":"starting","message":"starting up: loading the sample content and resuming sends"}}',
  });
  const http = await startHttpServer((event) => api(event), {
    port: options.port,
    authorize: authorizer.claims,
    staticDir: fileURLToPath(new URL('../web/', import.meta.url)).replace(/\/$/, ''),
    // The site's images as CloudFront serves them: the EU emblem and the profile's logos under /assets/.
    extraFiles: { ...WEB_VENDOR_FILES, ...siteAssetFiles(profile, profileFile) },
    // Records' images, as CloudFront serves the images bucket; their originals come in by PUT, up to 10 MB.
    mounts: { '/images/': join(options.dataDir, 'images') },
    uploads: { prefix: LOCAL_UPLOAD_PREFIX, maxBytes: MAX_IMAGE_BYTES },
    ...(options.bodyTimeoutMs !== undefined && { bodyTimeoutMs: options.bodyTimeoutMs }),
    ...(options.authOrigin && { authOrigin: options.authOrigin }),
  });
  servers.push(http);
  const apiUrl = `http://localhost:${portOf(http)}`;
  const imageStorage = localImageStorage(options.dataDir, apiUrl);
  await options.whileStarting?.(apiUrl);

  const config = loadConfig({
    ...env,
    [contentTable.envVar]: tableName(TABLE_PREFIX, contentTable),
    [issuesTable.envVar]: tableName(TABLE_PREFIX, issuesTable),
    [subscribersTable.envVar]: tableName(TABLE_PREFIX, subscribersTable),
    [deliveriesTable.envVar]: tableName(TABLE_PREFIX, deliveriesTable),
    [PROFILE_ENV]: profileFile,
    HERALD_FROM_ADDRESS: fromHeader(profile.sender),
    SES_CONFIGURATION_SET: env.SES_CONFIGURATION_SET ?? 'herald-local',
    HERALD_PUBLIC_URL: apiUrl,
    HERALD_TOKEN_SECRET: env.HERALD_TOKEN_SECRET ?? keyIn(options.dataDir, 'token-secret'),
    // A claim is abandoned once its batch could be delivered again: the queue's visibility timeout.
    SEND_CLAIM_TIMEOUT_SECONDS: String(retryAfterSeconds),
    SEND_MAX_RECEIVES: String(maxReceives),
    ...(options.machineWindowSeconds !== undefined && {
      HERALD_MACHINE_WINDOW_SECONDS: String(options.machineWindowSeconds),
    }),
  });
  const queue = new InProcessQueue({
    visibilityTimeoutMs: retryAfterSeconds * 1000,
    maxReceiveCount: maxReceives,
    concurrency: options.sendConcurrency ?? 4,
  });
  const fanOutQueue = new InProcessQueue<SegmentJob>({
    visibilityTimeoutMs: retryAfterSeconds * 1000,
    maxReceiveCount: maxReceives,
    concurrency: 2,
  });
  const scheduler = new InProcessScheduler();
  const sesEvents = { simulate: undefined as ReturnType<typeof withSimulatedEvents> | undefined };
  const services = await createServices(config, clients, {
    queue,
    fanOut: fanOutQueue,
    scheduler,
    wrapMailer: (ses) => (sesEvents.simulate = withSimulatedEvents(ses)).mailer,
    pdf: pdfMaker,
    csv: csvReader,
    images: { processor: sharpImageProcessor, storage: () => imageStorage },
  });
  const ingest = createSesEventsHandler(services);
  const sender = createSenderHandler(services);
  // SES publishes events through SNS to an SQS queue after the send call returns; here they go on their own
  // in-process queue, handed over SES_EVENTS_BATCH_SIZE at a time as the event source does, so ingesting never holds up sending.
  const eventsQueue = new InProcessQueue<unknown>({
    visibilityTimeoutMs: retryAfterSeconds * 1000,
    maxReceiveCount: maxReceives,
    concurrency: 2,
    batchSize: SES_EVENTS_BATCH_SIZE,
    batchingWindowMs: SES_EVENTS_BATCHING_WINDOW_MS,
  });
  eventsQueue.consume(ingest);
  queue.consume(async (event) => {
    const response = await sender(event);
    // The events of the emails this run sent (a message the sender could not read sent none).
    for (const record of event.Records) {
      const batch = sendBatchSchema.safeParse(parseJson(record.body));
      if (!batch.success) continue;
      const addresses = batch.data.recipients.map((r) => r.email);
      await sesEvents.simulate?.handOn(batch.data.issueId, addresses, (events) => eventsQueue.enqueue(events));
    }
    // SQS holds any backlog in AWS; here it would be memory, so a sender waits while ingesting lags behind.
    await eventsQueue.room(MAX_WAITING_SES_EVENTS);
    return response;
  });
  fanOutQueue.consume(createFanOutHandler(services));
  scheduler.invoke(createScheduledSendHandler(services));
  await scheduler.resume(await services.issues.list(), services.starts);
  const apiHandler = createApiHandler(services);
  // Embedded stack only: one raw SES event record, as SES publishes it, into the same SesEvents handler.
  const ready: ApiHandler = async (event) => {
    if (event.rawPath.startsWith(LOCAL_UPLOAD_PREFIX)) return imageStorage.receive(event, services.clock.now());
    if (event.rawPath !== '/local/ses-events') return apiHandler(event);
    if (event.requestContext.http.method !== 'POST') return { statusCode: 405 };
    try {
      const { batchItemFailures } = await ingest(sqsEvent([JSON.stringify(JSON.parse(event.body ?? ''))]));
      if (batchItemFailures.length > 0) {
        return { statusCode: 503, body: '{"error":{"code":"unavailable","message":"not ingested; send it again"}}' };
      }
      return { statusCode: 202 };
    } catch {
      return {
        statusCode: 400,
        body: '{"error":{"code":"invalid_input","message":"body: not a JSON SES event","field":"body"}}',
      };
    }
  };

  const sample = sampleContentOf(profileFile, profile);
  const senderDomain = profile.sender.address.slice(profile.sender.address.lastIndexOf('@') + 1);
  const users = demoUsers(senderDomain, demoCoordinatorRegion(services.reference, sample));
  const tokens = {
    editor: await authorizer.issue(users.editor),
    coordinator: await authorizer.issue(users.coordinator),
  };
  // Loaded once per data directory: the marker says so (a directory of older runs has the sample issue instead).
  const marker = join(options.dataDir, 'sample-loaded');
  const seeded = !existsSync(marker) && !(sample?.issueId && (await services.issues.get(sample.issueId)));
  if (seeded) await seedSampleData(services, services.clock.now(), sample);
  writeFileSync(marker, '');

  // A send the last run was stopped in the middle of is finished now, without sending anyone twice. One that
  // cannot be resumed is logged and left as it is: the other sends and the stack go on.
  const resumed: string[] = [];
  for (const issue of await services.issues.list()) {
    if (!isInterrupted(issue)) continue;
    try {
      const outcome = await resumeSend(services, issue.id);
      if (!outcome) continue;
      resumed.push(issue.id);
      logger.info('resuming an interrupted send', { issueId: issue.id, ...outcome });
    } catch (error) {
      logger.error('an interrupted send could not be resumed', { issueId: issue.id, error });
    }
  }
  // The growth counters agree with the confirmed subscribers again (a count lost when the last run stopped).
  await reconcileGrowth(services);
  // So do the audience tallies (an issue's audience and its send are counted from them).
  await reconcileTallies(services);
  // Only now does the API answer: before, a list of issues would be empty and a send could race the resume.
  api = ready;
  const drained = async () => {
    // A fan-out fills the send queue, which fills the events queue: wait until none has work.
    while (fanOutQueue.depth > 0 || queue.depth > 0 || eventsQueue.depth > 0) {
      await fanOutQueue.drained();
      await queue.drained();
      await eventsQueue.drained();
    }
  };

  return {
    services,
    clients,
    queue,
    fanOutQueue,
    drained,
    resumed,
    scheduler,
    urls: { api: apiUrl, dynamodb: env.AWS_ENDPOINT_URL_DYNAMODB, ses: env.AWS_ENDPOINT_URL_SES },
    adminToken,
    tokens,
    editorToken: tokens.editor,
    seeded,
    profile,
    sample,
    async stop() {
      await scheduler.stop();
      fanOutQueue.stop();
      queue.stop();
      eventsQueue.stop();
      await Promise.all(servers.map(close));
      await Promise.all(emulators.map((emulator) => emulator.close()));
      process.env = previousEnv;
    },
  };
}
