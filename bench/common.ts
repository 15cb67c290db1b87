// Helpers the benchmarks share: integer options from the command line, work over items a few at a time, and an
// emulator in a process of its own.
import { fork } from 'node:child_process';

/** `--name N` or `--name=N`, a positive integer. */
export function numberOption(args: string[], name: string, fallback: number): number {
  const at = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (at < 0) return fallback;
  const raw = args[at]!.includes('=') ? args[at]!.split('=')[1] : args[at + 1];
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} needs a positive integer, got "${raw}"`);
  return value;
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

/**
 * An emulator in a child process (bench/emulator-child.ts), out of the benchmark's heap cap: its URL, its peak RSS
 * so far, a stop, and with `count` (SES only) the emails SES accepted per address.
 */
export async function startEmulatorChild(kind: 'ses' | 'dynamodb', options: { count?: boolean } = {}) {
  const child = fork(
    new URL('./emulator-child.ts', import.meta.url).pathname,
    [kind, ...(options.count ? ['--count'] : [])],
    {
      execArgv: ['--import', 'tsx'],
    },
  );
  const url = await new Promise<string>((resolve) => child.once('message', (m) => resolve(String(m))));
  const ask = <T>(question: 'rss' | 'tally') =>
    new Promise<T>((resolve) => {
      child.once('message', (m) => resolve(m as T));
      child.send(question);
    });
  return {
    url,
    peakRss: async () => (await ask<{ peakRss: number }>('rss')).peakRss,
    tally: async () => new Map((await ask<{ tally: [string, number][] }>('tally')).tally),
    stop: () => child.disconnect(),
  };
}
