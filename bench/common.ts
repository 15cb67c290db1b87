// Helpers the benchmarks share: integer options from the command line, work over items a few at a time, an
// emulator in a process of its own, the load line each benchmark prints first, and the median of repeated runs.
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { cpus, loadavg } from 'node:os';
import type { FastDynamo } from '../functions/adapters/fast-dynamo.ts';

/** `--name N` or `--name=N`, a positive integer. */
export function numberOption(args: string[], name: string, fallback: number): number {
  const at = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (at < 0) return fallback;
  const raw = args[at]!.includes('=') ? args[at]!.split('=')[1] : args[at + 1];
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} needs a positive integer, got "${raw}"`);
  return value;
}

/** `--runs N`: how many times a benchmark runs its measured part (3 unless given). */
export const runsOption = (args: string[]) => numberOption(args, 'runs', 3);

/** The 1-minute load average and the CPU count: a figure taken on a busy machine shows as such. */
export const loadLine = () => `load average ${loadavg()[0]!.toFixed(2)} (1 min) on ${cpus().length} CPUs`;

/** Prints the load line before a benchmark starts. */
export function printLoad(runs: number) {
  console.log(`${loadLine()} before the benchmark; ${runs} run${runs === 1 ? '' : 's'}, medians printed`);
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** The median of the runs' figures (the lower middle one of an even count), with their min and max. */
export function medianOf(runs: number[]): Spread {
  const sorted = [...runs].sort((a, b) => a - b);
  return {
    median: sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN,
    min: sorted[0] ?? NaN,
    max: sorted.at(-1) ?? NaN,
  };
}

/** The median of some timings (the lower middle one of an even count, as medianOf). */
export const median = (values: number[]) => medianOf(values).median;

/** CPU time of a `process.cpuUsage()` reading or difference, in ms. */
export const cpuMsOf = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;

/** "median 1,020 (min 980, max 1,050)", or the one figure when there was one run. */
export function spreadText(runs: number[], format: (n: number) => string = (n) => n.toFixed(1)): string {
  const { median, min, max } = medianOf(runs);
  return runs.length === 1 ? format(median) : `median ${format(median)} (min ${format(min)}, max ${format(max)})`;
}

/** `spreadText` of one figure of each run. */
export const spreadOf = <Run>(runs: Run[], figure: (run: Run) => number, format?: (n: number) => string) =>
  spreadText(runs.map(figure), format);

/** Figures' units, as the benchmarks print them. */
export const ms = (n: number) => `${n.toFixed(2)} ms`;
export const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** A table cell: the median of the runs with their min-max in brackets, or the one figure (a number) of one run. */
export function medianCell(values: number[]): string | number {
  const { median, min, max } = medianOf(values);
  return values.length === 1 ? Number(median.toFixed(1)) : `${median.toFixed(1)} (${min.toFixed(1)}-${max.toFixed(1)})`;
}

/** Runs `work` `runs` times, one after another, saying which run starts. */
export async function repeatRuns<T>(runs: number, work: (run: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let run = 0; run < runs; run += 1) {
    if (runs > 1) console.log(`-- run ${run + 1} of ${runs} (${loadLine()})`);
    results.push(await work(run));
  }
  return results;
}

/** Runs `work` over `items` with at most `limit` at once. */
export async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

export interface SesProxyStats {
  calls: number;
  throttled: number;
  refused: number;
  entries: number;
}

/**
 * An emulator in a child process (bench/emulator-child.ts), so its memory and CPU are not the Herald process's: its
 * URL (the SES fault proxy's with `proxy`, which runs in the child too), the emulator's own URL, its peak RSS so
 * far, a stop, with `count` (SES only) the emails SES accepted per address, and with `proxy` the proxy's counts.
 */
export async function startEmulatorChild(
  kind: 'ses' | 'dynamodb',
  options: { count?: boolean; proxy?: boolean; quota?: number } = {},
) {
  const child = fork(
    new URL('./emulator-child.ts', import.meta.url).pathname,
    [
      kind,
      ...(options.count ? ['--count'] : []),
      ...(options.proxy ? ['--proxy'] : []),
      ...(options.quota ? ['--quota', String(options.quota)] : []),
    ],
    { execArgv: ['--import', 'tsx'] },
  );
  const { url, direct } = await new Promise<{ url: string; direct: string }>((resolve) =>
    child.once('message', (m) => resolve(m as { url: string; direct: string })),
  );
  const ask = <T>(question: 'rss' | 'tally' | 'stats' | 'cpu') =>
    new Promise<T>((resolve) => {
      child.once('message', (m) => resolve(m as T));
      child.send(question);
    });
  return {
    url,
    direct,
    peakRss: async () => (await ask<{ peakRss: number }>('rss')).peakRss,
    /** The CPU time the emulator's process has used so far, in ms. */
    cpuMs: async () => (await ask<{ cpuMs: number }>('cpu')).cpuMs,
    tally: async () => new Map((await ask<{ tally: [string, number][] }>('tally')).tally),
    proxyStats: async () => (await ask<{ stats: SesProxyStats }>('stats')).stats,
    stop: () =>
      new Promise<void>((resolve) => {
        if (!child.connected) return resolve();
        child.once('exit', () => resolve());
        child.disconnect();
      }),
  };
}

/** `--profile=FILE`: where a benchmark writes the CPU profile of its measured part. */
export const profileOption = (args: string[]) =>
  args.find((a) => a.startsWith('--profile='))?.slice('--profile='.length) || undefined;

/**
 * V8's CPU profiler on this process (as `node --cpu-prof`, but for a benchmark's measured part alone); `stopInto`
 * writes the profile (Chrome DevTools' format; bench/profile-summary.ts reads it).
 */
export async function startCpuProfile() {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stopInto(file: string) {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      writeFileSync(file, JSON.stringify(profile));
    },
  };
}

/**
 * The one write an SES event cannot do without, ready-made for a floor: the conditional mark that counts it once,
 * as the delivery store's `markMessage` makes it.
 */
export function readyMadeMark(
  fast: FastDynamo,
  tableName: string,
  record: { issueId: string; subscriberId: string; messageId: string },
  field: string,
  at: string,
) {
  return fast.update({
    TableName: tableName,
    Key: { issueId: record.issueId, subscriberId: record.subscriberId },
    UpdateExpression: 'SET #field = :at',
    ConditionExpression: 'messageId = :messageId AND attribute_not_exists(#field)',
    ExpressionAttributeNames: { '#field': field },
    ExpressionAttributeValues: { ':at': at, ':messageId': record.messageId },
    ReturnValues: 'ALL_NEW',
  });
}
