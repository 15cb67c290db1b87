// `npm run bench -- import [--rows 100000] [--profile=FILE]`: imports generated rows ("consented elsewhere") through
// POST /api/subscribers/import on the embedded stack, as the API and the CLI do, and prints rows/s and the peak RSS
// of the Herald process (DynamoDB and SES run in processes of their own, their peak RSS beside it). It prints the
// load average before it starts and the median of the runs (`--runs`, 3 unless given; each on fresh emulators, stack
// and file), peak RSS the max over them. The issue's target: 100,000 rows in at most 30 s, peak RSS under 200 MB.
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { startEmbeddedStack, type EmbeddedStack } from '../local/stack.ts';
import { formatTable } from '../local/table.ts';
import {
  cpuMsOf,
  eachLimited,
  loadLine,
  median,
  megabytes,
  numberOption,
  printLoad,
  profileOption,
  repeatRuns,
  runsOption,
  spreadText,
  startCpuProfile,
  startEmulatorChild,
} from './common.ts';
import type { Reference } from '../functions/domain/reference.ts';
import { WRITE_CONCURRENCY, type ImportReport } from '../functions/domain/subscriber-import.ts';

export interface ImportBenchOptions {
  rows: number;
  runs: number;
  /** A file to write the CPU profile of the (last) import request to. */
  profile: string | undefined;
}

export function importOptions(args: string[]): ImportBenchOptions {
  return { rows: numberOption(args, 'rows', 100_000), runs: runsOption(args), profile: profileOption(args) };
}

/** A file of `rows` subscribers over every language, country, region and topic, as an export of another tool. */
export function generatedCsv(reference: Reference, rows: number, run: string): string {
  const { languages, countryCodes, topics } = reference;
  const lines = ['email,name,language,country,region,topics,consent_date,consent_source,consent_proof'];
  for (let n = 0; n < rows; n += 1) {
    const country = countryCodes[n % countryCodes.length]!;
    const regions = reference.regionsOf(country);
    lines.push(
      [
        `import.${run}.${n}@example.${country.toLowerCase()}`,
        `Person ${n}`,
        languages[n % languages.length]!,
        country,
        regions[Math.floor(n / countryCodes.length) % regions.length]!,
        topics.filter((_, i) => (n >> i) & 1).join(';'),
        '2025-03-14',
        'Partner event sign-up sheet',
        `sheet-${Math.floor(n / 40)}`,
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** A POST without fetch's 5-minute wait for the answer's headers (a loaded machine may take longer). */
function post(url: string, headers: Record<string, string>, body: string) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const out = request(url, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    out.on('error', reject);
    out.end(body);
  });
}

interface ImportRun {
  rows: number;
  outcome: string;
  seconds: number;
  drySeconds: number;
  dryStatus: number;
  peakRss: number;
  rssBefore: number;
  emulatorRss: [number, number];
  /** CPU per row of the Herald process and of the DynamoDB emulator's. */
  cpuMs: [number, number];
  /** The floor: as many conditional PutItems of an imported item, ready-made, straight through the same client. */
  floor: { perSecond: number; cpuMs: [number, number] };
}

/**
 * The ready-made floor of an import: `n` conditional creations (PutItem, attribute_not_exists) of copies of an
 * imported subscriber's item under new ids, WRITE_CONCURRENCY at once, through the client the import uses.
 */
async function conditionalPutFloor(stack: EmbeddedStack, dynamodb: { cpuMs(): Promise<number> }, n: number) {
  const table = stack.services.config.tables.subscribers!;
  const [template] = (await stack.clients.dynamo.send(new ScanCommand({ TableName: table, Limit: 1 }))).Items ?? [];
  if (!template) throw new Error('the import stored nothing to copy');
  const cpu = process.cpuUsage();
  const emulatorBefore = await dynamodb.cpuMs();
  const started = performance.now();
  await eachLimited(
    Array.from({ length: n }, (_, i) => i),
    WRITE_CONCURRENCY,
    async (i) => {
      await stack.clients.fast.put({
        TableName: table,
        Item: { ...template, id: `floor-${i}`, email: `floor.${i}@example.org` },
        ConditionExpression: 'attribute_not_exists(id)',
      });
    },
  );
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return {
    perSecond: n / seconds,
    cpuMs: [cpuMsOf(used) / n, ((await dynamodb.cpuMs()) - emulatorBefore) / n] as [number, number],
  };
}

/** One run: fresh emulators, stack and file; the dry run, then the import measured. */
async function importRun(options: ImportBenchOptions): Promise<ImportRun> {
  const ses = await startEmulatorChild('ses');
  const dynamodb = await startEmulatorChild('dynamodb');
  const previousEnv = { ...process.env };
  process.env.AWS_ENDPOINT_URL_SES = ses.url;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamodb.url;
  process.env.LOG_LEVEL ??= 'warn';
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-bench-import-'));
  const stack = await startEmbeddedStack({ dataDir, port: 0, sesPort: 0, dynamoPort: 0 });
  try {
    let csv: string | undefined = generatedCsv(stack.services.reference, options.rows, Date.now().toString(36));
    const bytes = Buffer.byteLength(csv);
    console.log(`importing ${options.rows} rows (${megabytes(bytes)}) through POST /api/subscribers/import`);
    const url = `${stack.urls.api}/api/subscribers/import?mode=consented`;
    const headers = { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'text/csv; charset=utf-8' };
    // The dry run first: the same file read, checked and looked up, nothing written.
    const dryStarted = performance.now();
    const dry = await post(`${url}&dryRun=true`, headers, csv);
    const drySeconds = (performance.now() - dryStarted) / 1000;
    const rssBefore = process.memoryUsage.rss();
    let peakRss = rssBefore;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);
    const profiler = options.profile ? await startCpuProfile() : undefined;
    const cpu = process.cpuUsage();
    const emulatorBefore = await dynamodb.cpuMs();
    const started = performance.now();
    const response = await post(url, headers, csv);
    csv = undefined;
    const report = JSON.parse(response.text) as ImportReport & { error?: { message: string } };
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    if (profiler) await profiler.stopInto(options.profile!);
    const emulatorMs = (await dynamodb.cpuMs()) - emulatorBefore;
    clearInterval(sampler);
    if (response.status !== 200) throw new Error(`${response.status}: ${report.error?.message ?? 'the import failed'}`);
    const floor = await conditionalPutFloor(stack, dynamodb, report.rows);
    return {
      rows: report.rows,
      outcome: `${report.imported} / ${report.skippedCount} / ${report.errorCount}`,
      seconds,
      drySeconds,
      dryStatus: dry.status,
      peakRss,
      rssBefore,
      emulatorRss: [await dynamodb.peakRss(), await ses.peakRss()],
      cpuMs: [cpuMsOf(used) / report.rows, emulatorMs / report.rows],
      floor,
    };
  } finally {
    await stack.stop();
    await Promise.all([ses.stop(), dynamodb.stop()]);
    process.env = previousEnv;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function benchImport(options: ImportBenchOptions = importOptions(process.argv.slice(2))) {
  printLoad(options.runs);
  const runs = await repeatRuns(options.runs, () => importRun(options));
  const pick = (f: (r: ImportRun) => number) => runs.map(f);
  const seconds = (n: number) => `${n.toFixed(1)} s`;
  const ms = (n: number) => `${n.toFixed(3)} ms`;
  const peakRss = Math.max(...pick((r) => r.peakRss));
  const rows: Record<string, string>[] = [
    { figure: 'rows', value: [...new Set(runs.map((r) => r.rows))].join('; ') },
    { figure: 'imported / skipped / errors', value: [...new Set(runs.map((r) => r.outcome))].join('; ') },
    {
      figure: 'time',
      value: spreadText(
        pick((r) => r.seconds),
        seconds,
      ),
    },
    {
      figure: 'rows/s',
      value: spreadText(
        pick((r) => r.rows / r.seconds),
        (n) => n.toFixed(0),
      ),
    },
    {
      figure: 'dry run (nothing written)',
      value: `${spreadText(
        pick((r) => r.drySeconds),
        seconds,
      )} (status ${[...new Set(runs.map((r) => r.dryStatus))].join(', ')})`,
    },
    {
      figure: 'peak RSS (Herald process), max over runs',
      value: `${megabytes(peakRss)} (${megabytes(Math.max(...pick((r) => r.rssBefore)))} before the import)`,
    },
    {
      figure: 'peak RSS (emulators: DynamoDB, SES), max',
      value: `${megabytes(Math.max(...pick((r) => r.emulatorRss[0])))}, ${megabytes(Math.max(...pick((r) => r.emulatorRss[1])))}`,
    },
    {
      figure: 'CPU per row (Herald process, DynamoDB emulator)',
      value: `${spreadText(
        pick((r) => r.cpuMs[0]),
        ms,
      )}, ${spreadText(
        pick((r) => r.cpuMs[1]),
        ms,
      )}`,
    },
    {
      figure: 'floor: as many ready-made conditional PutItems',
      value: `${spreadText(
        pick((r) => r.floor.perSecond),
        (n) => `${n.toFixed(0)}/s`,
      )} (CPU per put ${spreadText(
        pick((r) => r.floor.cpuMs[0]),
        ms,
      )}, emulator ${spreadText(
        pick((r) => r.floor.cpuMs[1]),
        ms,
      )})`,
    },
    { figure: 'after', value: loadLine() },
  ];
  console.log(formatTable(rows, ['figure', 'value']));
  const medianSeconds = median(pick((r) => r.seconds));
  console.log(
    `target        100,000 rows in <= 30 s, peak RSS < 200 MB: ${
      medianSeconds <= (30 * runs[0]!.rows) / 100_000 && peakRss < 200 * 1024 * 1024 ? 'met' : 'missed'
    } (median time, max RSS)`,
  );
}
