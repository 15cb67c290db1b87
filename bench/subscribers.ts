// `npm run bench -- subscribers [--subscribers 100000]`: the admins' list and export over N generated subscribers on
// the embedded stack (DynamoDB emulator in a process of its own): the first page with its counts, a search for one
// address, the next page by cursor, the whole CSV export page by page, and the largest suppression list.
// Prints each one's time and the Herald process's peak RSS; the list and the export read the table a page at a time
// (a scan), never all of it at once. It prints the load average first, runs the measured requests `--runs` times
// (3 unless given; each run's suppression list names other addresses) and prints the median of the runs, min and
// max beside it; peak RSS is the max over the runs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedStack } from '../local/stack.ts';
import { generateSubscribers } from '../local/generate-subscribers.ts';
import { formatTable } from '../local/table.ts';
import {
  megabytes,
  numberOption,
  printLoad,
  repeatRuns,
  runsOption,
  spreadText,
  startEmulatorChild,
} from './common.ts';
import { MAX_SUPPRESSIONS } from '../functions/domain/suppression-list.ts';

export interface SubscribersBenchOptions {
  subscribers: number;
  runs: number;
}

export function subscribersOptions(args: string[]): SubscribersBenchOptions {
  return { subscribers: numberOption(args, 'subscribers', 100_000), runs: runsOption(args) };
}

export async function benchSubscribers(options: SubscribersBenchOptions) {
  printLoad(options.runs);
  const dynamodb = await startEmulatorChild('dynamodb');
  const previousEnv = { ...process.env };
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamodb.url;
  process.env.LOG_LEVEL ??= 'silent';
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-bench-subscribers-'));
  const token = 'bench-token-0123456789abcdef';
  const stack = await startEmbeddedStack({ dataDir, port: 0, sesPort: 0, dynamoPort: 0, adminToken: token });
  try {
    process.stdout.write(`generating ${options.subscribers} subscribers...\n`);
    await generateSubscribers(
      stack.services.reference,
      stack.clients.dynamo,
      stack.services.config.tables.subscribers!,
      options.subscribers,
      { tallies: stack.services.tallies },
    );
    let peakRss = process.memoryUsage.rss();
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);
    const get = async (path: string) => {
      const started = performance.now();
      const response = await fetch(`${stack.urls.api}${path}`, { headers: { authorization: `Bearer ${token}` } });
      const body = await response.text();
      if (!response.ok) throw new Error(`${path}: ${response.status} ${body.slice(0, 200)}`);
      return { ms: performance.now() - started, body, next: response.headers.get('x-next-cursor') };
    };
    const runs = await repeatRuns(options.runs, async (run) => {
      const first = await get('/api/subscribers');
      const { total, nextCursor } = JSON.parse(first.body) as { total: number; nextCursor: string };
      const search = await get(`/api/subscribers?q=reader${options.subscribers - 1}@`);
      const second = await get(`/api/subscribers?cursor=${nextCursor}`);
      let cursor: string | null = null;
      let pages = 0;
      let bytes = 0;
      const exportStarted = performance.now();
      do {
        const page = await get(`/api/subscribers/export${cursor ? `?cursor=${cursor}` : ''}`);
        bytes += Buffer.byteLength(page.body);
        pages += 1;
        cursor = page.next;
      } while (cursor);
      const exportSeconds = (performance.now() - exportStarted) / 1000;
      // The largest suppression list one request takes: half known subscribers, half addresses never seen; each
      // run's its own.
      const list = Array.from({ length: MAX_SUPPRESSIONS }, (_, i) =>
        i % 2
          ? `reader${(i + run * MAX_SUPPRESSIONS) % options.subscribers}@readers.example`
          : `gone${run}-${i}@old-tool.example`,
      ).join('\n');
      const importStarted = performance.now();
      const imported = await fetch(`${stack.urls.api}/api/suppressions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        body: list,
      });
      const report = (await imported.json()) as { suppressed: number; errors: unknown[] };
      const importSeconds = (performance.now() - importStarted) / 1000;
      return { total, first, search, second, pages, bytes, exportSeconds, report, importSeconds };
    });
    clearInterval(sampler);
    const last = runs.at(-1)!;
    const ms = (n: number) => `${n.toFixed(0)} ms`;
    const seconds = (n: number) => `${n.toFixed(1)} s`;
    const rows: { figure: string; value: string }[] = [
      {
        figure: `first page of 50 with counts (total ${last.total})`,
        value: spreadText(
          runs.map((r) => r.first.ms),
          ms,
        ),
      },
      {
        figure: 'search for one address (whole table)',
        value: spreadText(
          runs.map((r) => r.search.ms),
          ms,
        ),
      },
      {
        figure: 'next page by cursor, with counts',
        value: spreadText(
          runs.map((r) => r.second.ms),
          ms,
        ),
      },
      {
        figure: `CSV export (${last.pages} pages, ${megabytes(last.bytes)})`,
        value: spreadText(
          runs.map((r) => r.exportSeconds),
          seconds,
        ),
      },
      {
        figure: 'export rows/s',
        value: spreadText(
          runs.map((r) => options.subscribers / r.exportSeconds),
          (n) => n.toFixed(0),
        ),
      },
      {
        figure: `suppression list of ${MAX_SUPPRESSIONS} (${runs.map((r) => `${r.report.suppressed} suppressed, ${r.report.errors.length} errors`).join('; ')})`,
        value: spreadText(
          runs.map((r) => r.importSeconds),
          seconds,
        ),
      },
      { figure: 'peak RSS (Herald process), max over runs', value: megabytes(peakRss) },
      { figure: 'peak RSS (DynamoDB emulator)', value: megabytes(await dynamodb.peakRss()) },
    ];
    process.stdout.write(`${formatTable(rows, ['figure', 'value'])}\n`);
  } finally {
    await stack.stop();
    await dynamodb.stop();
    process.env = previousEnv;
    rmSync(dataDir, { recursive: true, force: true });
  }
}
