// Herald's CloudWatch metrics as EMF lines through Powertools Metrics: recorded during a Lambda invocation and
// flushed at its end (lambda-entry.ts). Outside Lambda (embedded stack, tests, CLI) nothing is recorded, so stdout
// stays readable; POWERTOOLS_METRICS_DISABLED=false records there too, =true nowhere.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { MailerRefusedError } from '../domain/errors.ts';
import type { DeliveryStore, Mailer } from '../domain/ports.ts';
import { logger, SERVICE_NAME } from './logger.ts';

/** The namespace of every metric (POWERTOOLS_METRICS_NAMESPACE overrides it); the CDK dashboard reads it too. */
export const METRICS_NAMESPACE = 'Herald';

/** Each a Count, summed per period; the only dimension is `service`, so the number of custom metrics stays fixed. */
export const METRIC = {
  /** Recipients whose message SES accepted. */
  recipientsSent: 'RecipientsSent',
  /** Recipients whose delivery ended failed (refused by SES, or its outcome unknown). */
  recipientsFailed: 'RecipientsFailed',
  /** SES calls refused for throttling, and entries SES throttled within a call. */
  sesThrottles: 'SesThrottles',
  /** SES events counted on their recipient's record (repeats and unknown messages are not). */
  sesEventsIngested: 'SesEventsIngested',
  /** Signups accepted (a confirmation email is due, or the address is suppressed). */
  signups: 'Signups',
  /** Sends Herald paused by itself: SES refused for a reason no retry fixes, or a bounce or complaint rate too high. */
  sendsAutoPaused: 'SendsAutoPaused',
} as const;
export type MetricName = (typeof METRIC)[keyof typeof METRIC];

const disabledSetting = process.env.POWERTOOLS_METRICS_DISABLED?.trim().toLowerCase();
const recording =
  disabledSetting === undefined
    ? Boolean(process.env.AWS_LAMBDA_FUNCTION_NAME)
    : !['1', 'true', 'on', 'yes', 'y'].includes(disabledSetting);

const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || METRICS_NAMESPACE,
  serviceName: process.env.POWERTOOLS_SERVICE_NAME || SERVICE_NAME,
  // Its warnings (a metric or dimension CloudWatch would refuse) go through the one logger.
  logger: {
    debug: (message: unknown) => logger.debug(String(message)),
    info: (message: unknown) => logger.info(String(message)),
    warn: (message: unknown) => logger.warn(String(message)),
    error: (message: unknown) => logger.error(String(message)),
  },
});

/** Adds `value` to a metric of this invocation; a zero adds nothing to a sum and is left out. */
export function count(name: MetricName, value = 1): void {
  if (recording && value !== 0) metrics.addMetric(name, MetricUnit.Count, value);
}

/** Prints the invocation's metrics as one EMF line, if it recorded any. */
export function flushMetrics(): void {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
}

/** The mailer, counting SES's throttling: a call refused for it, and each entry SES answered ACCOUNT_THROTTLED. */
export function countingThrottles(mailer: Mailer): Mailer {
  return {
    async sendBulk(edition, entries) {
      try {
        const results = await mailer.sendBulk(edition, entries);
        count(METRIC.sesThrottles, results.filter((r) => !r.ok && r.error.startsWith('ACCOUNT_THROTTLED')).length);
        return results;
      } catch (error) {
        if (error instanceof MailerRefusedError && error.retry) count(METRIC.sesThrottles);
        throw error;
      }
    },
  };
}

/**
 * The delivery store, counting recipients as their outcome is written: sent and failed outcomes, and claims ended
 * as failed. Counted where they are written, so a batch that is retried afterwards (partly throttled) still counts
 * what it did. Every other method is the store's own, looked up on each call.
 */
export function countingOutcomes(deliveries: DeliveryStore): DeliveryStore {
  const counting: DeliveryStore = Object.create(deliveries) as DeliveryStore;
  counting.recordOutcomes = async (batch, claimedAt, outcomes) => {
    await deliveries.recordOutcomes(batch, claimedAt, outcomes);
    count(METRIC.recipientsSent, outcomes.filter((o) => o.status === 'sent').length);
    count(METRIC.recipientsFailed, outcomes.filter((o) => o.status === 'failed').length);
  };
  counting.failClaim = async (...args) => {
    const ended = await deliveries.failClaim(...args);
    if (ended) count(METRIC.recipientsFailed);
    return ended;
  };
  return counting;
}
