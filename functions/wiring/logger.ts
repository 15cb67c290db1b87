// The one logger: Powertools Logger, JSON lines with keys (issueId, lang, country) that CloudWatch Logs Insights can
// filter by; in Lambda each line also carries the request id and whether the invocation was a cold start.
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';

/** The `service` of every log line and the metrics' service dimension (POWERTOOLS_SERVICE_NAME overrides it). */
export const SERVICE_NAME = 'herald';

type Keys = Record<string, unknown>;
const LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'] as const;
type Level = (typeof LEVELS)[number];

/** LOG_LEVEL (debug, info, warn, error, silent); anything else is info. */
const levelFromEnvironment = (): Level => {
  const wanted = process.env.LOG_LEVEL?.toUpperCase();
  return LEVELS.find((level) => level === wanted) ?? 'INFO';
};

let level = levelFromEnvironment();
const powertools = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME || SERVICE_NAME, logLevel: level });

/** LOG_LEVEL is read again on each call, so a CLI can quieten the logger after start-up (and a test raise it). */
function current(): Logger {
  const wanted = levelFromEnvironment();
  if (wanted !== level) {
    level = wanted;
    // In Lambda, a level set by Advanced Logging Controls wins; Powertools keeps it.
    powertools.setLogLevel(wanted);
  }
  return powertools;
}

export interface HeraldLogger {
  debug(message: string, keys?: Keys): void;
  info(message: string, keys?: Keys): void;
  warn(message: string, keys?: Keys): void;
  error(message: string, keys?: Keys): void;
  /**
   * A logger whose lines all carry `keys` (a batch's issueId, country and lang). Passed on each line rather than
   * appended to the shared logger: the embedded stack runs several batches at once in one process.
   */
  withKeys(keys: Keys): HeraldLogger;
}

function scoped(base: Keys): HeraldLogger {
  return {
    debug: (message, keys) => current().debug(message, { ...base, ...keys }),
    info: (message, keys) => current().info(message, { ...base, ...keys }),
    warn: (message, keys) => current().warn(message, { ...base, ...keys }),
    error: (message, keys) => current().error(message, { ...base, ...keys }),
    withKeys: (keys) => scoped({ ...base, ...keys }),
  };
}

export const logger: HeraldLogger = scoped({});

/** Puts the invocation's request id, function and cold start on every line that follows (Lambda only). */
export function addLambdaContext(context: Context): void {
  powertools.addContext(context);
}
