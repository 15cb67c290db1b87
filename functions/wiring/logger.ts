// The one logger: JSON lines with keys, so CloudWatch Logs Insights can filter by issueId, lang or country.
type Level = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };
/** LOG_LEVEL (debug, info, warn, error), read on each call so a CLI can quieten it after start-up. */
const threshold = () => ORDER[process.env.LOG_LEVEL?.toLowerCase() as Level] ?? ORDER.info;

function write(level: Level, message: string, keys: Record<string, unknown> = {}) {
  if (ORDER[level] < threshold()) return;
  const error =
    keys.error instanceof Error
      ? { error: { name: keys.error.name, message: keys.error.message, stack: keys.error.stack } }
      : {};
  const line = JSON.stringify({ level, message, time: new Date().toISOString(), ...keys, ...error });
  (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(`${line}\n`);
}

export const logger = {
  debug: (message: string, keys?: Record<string, unknown>) => write('debug', message, keys),
  info: (message: string, keys?: Record<string, unknown>) => write('info', message, keys),
  warn: (message: string, keys?: Record<string, unknown>) => write('warn', message, keys),
  error: (message: string, keys?: Record<string, unknown>) => write('error', message, keys),
};
