// Settings of the functions, read once from the environment, typed, failing fast with the names of invalid ones.
// A function is given only the tables, the sender and the key it uses (least privilege): what it is not given
// becomes a port that fails, naming the setting, if it is ever used (wiring/clients.ts `unavailable`).
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { ConfigError } from '../domain/errors.ts';
import { contentTable, deliveriesTable, issuesTable, subscribersTable } from '../../contracts/tables.ts';
import { PROFILE_ENV, profilePath } from '../../contracts/profile.ts';

const required = z.string().min(1);
const optional = required.optional();

/** The tables by the name the wiring uses, each with the env var that carries its name. */
export const TABLE_VARS = {
  content: contentTable.envVar,
  issues: issuesTable.envVar,
  subscribers: subscribersTable.envVar,
  deliveries: deliveriesTable.envVar,
} as const;
export type TableName = keyof typeof TABLE_VARS;

const configSchema = z
  .object({
    [contentTable.envVar]: optional,
    [issuesTable.envVar]: optional,
    [subscribersTable.envVar]: optional,
    [deliveriesTable.envVar]: optional,
    /** The From header, set from the profile's sender by the CDK app and the embedded stack; none: sends no mail. */
    HERALD_FROM_ADDRESS: optional,
    /** SES configuration set whose event destination publishes to the SES events topic. */
    SES_CONFIGURATION_SET: optional,
    /** Public base URL of the HTTP API, for links in emails (archive, later unsubscribe and tracking). */
    HERALD_PUBLIC_URL: z.url(),
    /** The project profile (contracts/profile.ts); herald.project.json at the repository root by default. */
    [PROFILE_ENV]: z.string().min(1).optional(),
    /** Folder holding templates/ and locales/ (the bundle's folder in AWS); defaults to the source tree. */
    HERALD_ASSETS_DIR: z.string().min(1).optional(),
    /** Key for signing links (confirmation, unsubscribe, preferences): the key itself (embedded stack) ... */
    HERALD_TOKEN_SECRET: z.string().min(32).optional(),
    /** ... or the Secrets Manager secret holding it (AWS), for the functions that sign or check links. */
    TOKEN_SECRET_ARN: z.string().min(1).optional(),
    /** The secret CloudFront sends to the HTTP API (AWS): the API functions refuse requests without it. */
    EDGE_SECRET_ARN: z.string().min(1).optional(),
    /** Signups allowed per IP address per minute, and per address per hour. */
    HERALD_SIGNUP_RATE_LIMIT: z.coerce.number().int().min(1).default(10),
    HERALD_SIGNUP_ADDRESS_LIMIT: z.coerce.number().int().min(1).default(5),
    /** EventBridge Scheduler: the group for scheduled sends, the ScheduledSend function and the role that invokes it. */
    SCHEDULE_GROUP: z.string().min(1).optional(),
    SCHEDULED_SEND_FUNCTION_ARN: z.string().min(1).optional(),
    SCHEDULER_ROLE_ARN: z.string().min(1).optional(),
    /** Opens and clicks this many seconds after delivery count as a machine's (prefetch, security scanners). */
    HERALD_MACHINE_WINDOW_SECONDS: z.coerce.number().min(0).max(3600).default(10),
    /** The SQS queues of send batches and of fan-out jobs; absent in the embedded stack, which has its own. */
    SEND_QUEUE_URL: z.url().optional(),
    FAN_OUT_QUEUE_URL: z.url().optional(),
    /** The send queue's maxReceiveCount: the last delivery of a batch records what is left as failed. */
    SEND_MAX_RECEIVES: z.coerce.number().int().min(1).default(5),
    /** An unfinished claim older than this belongs to a sender that stopped (the Sender's timeout in AWS). */
    SEND_CLAIM_TIMEOUT_SECONDS: z.coerce.number().min(0.1).default(60),
    /** The ImagesApi's buckets (AWS): originals as uploaded, and the renditions CloudFront serves at /images/. */
    UPLOADS_BUCKET: z.string().min(1).optional(),
    IMAGES_BUCKET: z.string().min(1).optional(),
  })
  .refine((c) => !c.HERALD_FROM_ADDRESS === !c.SES_CONFIGURATION_SET, {
    message: 'set both HERALD_FROM_ADDRESS and SES_CONFIGURATION_SET, or neither',
    path: ['SES_CONFIGURATION_SET'],
  });

export interface Config {
  /** The names of the tables this function is given. */
  tables: Partial<Record<TableName, string>>;
  /** How this function sends mail, if it does. */
  sender: { fromAddress: string; configurationSet: string } | undefined;
  publicUrl: string;
  sendQueueUrl: string | undefined;
  fanOutQueueUrl: string | undefined;
  sending: { maxReceives: number; claimTimeoutMs: number };
  scheduler: { groupName: string; targetArn: string; roleArn: string } | undefined;
  tokenSecret: { value: string } | { arn: string } | undefined;
  /** Requests to the HTTP API must carry this secret (handlers/edge.ts); none in the embedded stack. */
  edgeSecret: { arn: string } | undefined;
  signupLimits: { perIpPerMinute: number; perAddressPerHour: number };
  machineWindowSeconds: number;
  assetsDir: string;
  /** The project profile's file. */
  profileFile: string;
  /** The image buckets, given to the ImagesApi only. */
  imageBuckets: { uploads: string; images: string } | undefined;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const names = parsed.error.issues.map((issue) => issue.path.join('.'));
    throw new ConfigError(`Missing or invalid settings: ${[...new Set(names)].join(', ')}`);
  }
  const c = parsed.data;
  return {
    tables: Object.fromEntries(
      Object.entries(TABLE_VARS).flatMap(([name, envVar]) => (c[envVar] ? [[name, c[envVar]]] : [])),
    ),
    sender:
      c.HERALD_FROM_ADDRESS && c.SES_CONFIGURATION_SET
        ? { fromAddress: c.HERALD_FROM_ADDRESS, configurationSet: c.SES_CONFIGURATION_SET }
        : undefined,
    publicUrl: c.HERALD_PUBLIC_URL.replace(/\/$/, ''),
    sendQueueUrl: c.SEND_QUEUE_URL,
    fanOutQueueUrl: c.FAN_OUT_QUEUE_URL,
    sending: { maxReceives: c.SEND_MAX_RECEIVES, claimTimeoutMs: c.SEND_CLAIM_TIMEOUT_SECONDS * 1000 },
    tokenSecret: c.HERALD_TOKEN_SECRET
      ? { value: c.HERALD_TOKEN_SECRET }
      : c.TOKEN_SECRET_ARN
        ? { arn: c.TOKEN_SECRET_ARN }
        : undefined,
    edgeSecret: c.EDGE_SECRET_ARN ? { arn: c.EDGE_SECRET_ARN } : undefined,
    signupLimits: { perIpPerMinute: c.HERALD_SIGNUP_RATE_LIMIT, perAddressPerHour: c.HERALD_SIGNUP_ADDRESS_LIMIT },
    machineWindowSeconds: c.HERALD_MACHINE_WINDOW_SECONDS,
    scheduler:
      c.SCHEDULE_GROUP && c.SCHEDULED_SEND_FUNCTION_ARN && c.SCHEDULER_ROLE_ARN
        ? { groupName: c.SCHEDULE_GROUP, targetArn: c.SCHEDULED_SEND_FUNCTION_ARN, roleArn: c.SCHEDULER_ROLE_ARN }
        : undefined,
    assetsDir: c.HERALD_ASSETS_DIR ?? fileURLToPath(new URL('../../', import.meta.url)),
    profileFile: profilePath(env),
    imageBuckets:
      c.UPLOADS_BUCKET && c.IMAGES_BUCKET ? { uploads: c.UPLOADS_BUCKET, images: c.IMAGES_BUCKET } : undefined,
  };
}
