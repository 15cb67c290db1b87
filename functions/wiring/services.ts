// The composition root of the functions that render (PublicApi, EditorApi, ScheduledSend): the delivery services
// plus content, audience, queue, scheduler, the edition and page renderers, and the signup's limits. The project
// profile is loaded once here, its languages checked against the locales these functions carry.
import { createDynamoContentStore } from '../adapters/dynamo-content-store.ts';
import { createDynamoRateLimiter } from '../adapters/dynamo-rate-limiter.ts';
import { createDynamoSubscriberListing } from '../adapters/dynamo-subscriber-store.ts';
import { createDynamoErasureMarks } from '../adapters/dynamo-erasure-marks.ts';
import type { CsvReader } from '../domain/subscriber-import.ts';
import { createDynamoSentRecords } from '../adapters/dynamo-sent-records.ts';
import { createEventBridgeScheduler } from '../adapters/eventbridge-scheduler.ts';
import { createDynamoSendStarts } from '../adapters/dynamo-send-starts.ts';
import type { SendStarts } from '../domain/local-time.ts';
import { createMjmlRenderer } from '../adapters/mjml-renderer.ts';
import { createPageRenderer, type PageRenderer } from '../adapters/page-renderer.ts';
import { ConfigError } from '../domain/errors.ts';
import type { PdfAssets, PdfMaker } from './report-pdf.ts';
import type { DisseminationReport } from '../domain/report.ts';
import { createReportText } from '../adapters/report-text.ts';
import type { ReportText } from '../domain/report-text.ts';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ImageDeps, ImageFiles, ImageProcessor, ImageUploads } from '../domain/images.ts';
import { createSqsQueue } from '../adapters/sqs-queue.ts';
import { loadProfile } from '../../contracts/profile.ts';
import { referenceOf } from '../domain/reference.ts';
import type {
  BatchQueue,
  DeliveryStore,
  FanOutQueue,
  IssueStore,
  Mailer,
  PeopleSketches,
  SegmentJob,
  SendCounters,
  SendScheduler,
} from '../domain/ports.ts';
import type { GrowthCounters } from '../domain/growth.ts';
import type { AudienceTallies } from '../domain/audience.ts';
import type { SendDeps } from '../domain/sending.ts';
import type { SubscriberAdminDeps } from '../domain/subscriber-admin.ts';
import type { TrackingDeps } from '../domain/tracking.ts';
import { createClients, forTable, unavailable, type Clients } from './clients.ts';
import { loadConfig, type Config } from './config.ts';
import { createDeliveryServices, type DeliveryServices } from './delivery-services.ts';

export { createClients, type Clients };

export interface Services extends DeliveryServices, SendDeps, SubscriberAdminDeps, TrackingDeps {
  // Each use case names the part of a port it uses; the services hold the whole ports.
  issues: IssueStore;
  counters: SendCounters;
  sketches: PeopleSketches;
  growth: GrowthCounters;
  tallies: AudienceTallies;
  deliveries: DeliveryStore;
  scheduler: SendScheduler;
  /** Subscriber imports' CSV parser. */
  csvRecords: CsvReader;
  /** A local-time send's starts, beside its issue. */
  starts: SendStarts;
  /** The localized public pages (signup, confirmation, unsubscribe, preferences, the archive's, the notices). */
  pages: PageRenderer;
  /** The report's words in a language (locales/<lng>/report.json). */
  reportText(language: string): ReportText;
  /** The dissemination report as a PDF in a language (its fonts and emblem read on first use). */
  reportPdf(report: DisseminationReport, language: string): Promise<Buffer>;
  /** Records' images: uploads, their processing and the renditions' storage (the ImagesApi and the embedded stack). */
  images: ImageDeps;
}

/** What processes images and where they are kept: given only where sharp is bundled (wiring/images.ts, local/). */
export interface ImageMaker {
  processor: ImageProcessor;
  storage(config: Config): { uploads: ImageUploads; files: ImageFiles };
}

export async function createServices(
  config: Config,
  clients: Clients = createClients(),
  overrides: {
    queue?: BatchQueue;
    fanOut?: FanOutQueue;
    scheduler?: SendScheduler;
    wrapMailer?: (ses: Mailer) => Mailer;
    /** Where reports are made as PDFs (wiring/report-pdf.ts); elsewhere asking for one is a configuration error. */
    pdf?: PdfMaker;
    /** Where subscribers are imported (wiring/import-csv.ts); elsewhere an import is a configuration error. */
    csv?: CsvReader;
    /** Where images are processed; elsewhere an image route is a configuration error. */
    images?: ImageMaker;
  } = {},
): Promise<Services> {
  const profile = loadProfile(config.profileFile, { localesDir: join(config.assetsDir, 'locales') });
  const reference = referenceOf(profile);
  const delivery = await createDeliveryServices(config, clients, { ...overrides, reference });
  const pages = await createPageRenderer(config.assetsDir, reference);
  const fanOut =
    overrides.fanOut ??
    (config.fanOutQueueUrl
      ? createSqsQueue<SegmentJob>(clients.sqs, config.fanOutQueueUrl)
      : unavailable<FanOutQueue>('sending needs FAN_OUT_QUEUE_URL'));
  const scheduler =
    overrides.scheduler ??
    (config.scheduler
      ? createEventBridgeScheduler(clients.scheduler, config.scheduler)
      : unavailable<SendScheduler>(
          'scheduling needs SCHEDULE_GROUP, SCHEDULED_SEND_FUNCTION_ARN and SCHEDULER_ROLE_ARN',
        ));
  const reportText = createReportText(config.assetsDir);
  const imageStorage = overrides.images?.storage(config);
  const imagesOnly = 'images are processed by the ImagesApi function only';
  let pdfAssets: PdfAssets | undefined;
  return {
    ...delivery,
    scheduler,
    fanOut,
    content: forTable(config, 'content', (table) => createDynamoContentStore(clients.dynamo, clients.fast, table)),
    rateLimiter: forTable(config, 'subscribers', (table) =>
      createDynamoRateLimiter(clients.dynamo, clients.fast, table),
    ),
    listing: forTable(config, 'subscribers', (table) => createDynamoSubscriberListing(clients.dynamo, table)),
    erasures: forTable(config, 'subscribers', (table) => createDynamoErasureMarks(clients.dynamo, clients.fast, table)),
    sentRecords: forTable(config, 'issues', (table) => createDynamoSentRecords(clients.dynamo, table)),
    starts: forTable(config, 'issues', (table) => createDynamoSendStarts(clients.dynamo, table)),
    renderer: await createMjmlRenderer(config.assetsDir, reference, { profileFile: config.profileFile }),
    pages,
    messages: pages,
    csvRecords:
      overrides.csv ??
      (() => {
        throw new ConfigError('subscriber imports are served by the EditorApi function only');
      }),
    reportText,
    reportPdf: async (report, language) => {
      const { pdf } = overrides;
      if (!pdf) throw new ConfigError('PDF reports are made by the EditorApi function only');
      return pdf.render(report, {
        profile,
        language,
        text: reportText(language),
        assets: (pdfAssets ??= pdf.readAssets(config.assetsDir)),
        createdAt: delivery.clock.now(),
      });
    },
    images: {
      uploads: imageStorage?.uploads ?? unavailable<ImageUploads>(imagesOnly),
      files: imageStorage?.files ?? unavailable<ImageFiles>(imagesOnly),
      processor: overrides.images?.processor ?? unavailable<ImageProcessor>(imagesOnly),
      clock: delivery.clock,
      newId: () => randomBytes(16).toString('hex'),
      publicUrl: config.publicUrl,
    },
    limits: config.signupLimits,
    machineWindowSeconds: config.machineWindowSeconds,
  };
}

/** ScheduledSend's services, made from the environment (its handler keeps them). */
export const servicesFromEnvironment = () => createServices(loadConfig());
