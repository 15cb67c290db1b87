// `npm run bench -- import [--rows 100000]`: imports generated rows ("consented elsewhere") through
// POST /api/subscribers/import on the embedded stack, as the API and the CLI do, and prints rows/s and the peak RSS
// of the Herald process (DynamoDB and SES run in processes of their own, their peak RSS beside it), with the load
// average before it starts. The target: 100,000 rows in at most 30 s, peak RSS under 200 MB.
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedStack } from '../local/stack.ts';
import { formatTable } from '../local/table.ts';
import { numberOption, startEmulatorChild } from './common.ts';
import type { Reference } from '../functions/domain/reference.ts';
import type { ImportReport } from '../functions/domain/subscriber-import.ts';

export interface ImportBenchOptions {
  rows: number;
}

export function importOptions(args: string[]): ImportBenchOptions {
  return { rows: numberOption(args, 'rows', 100_000) };
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

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

export async function benchImport(options: ImportBenchOptions = importOptions(process.argv.slice(2))) {
  const load = loadavg()[0]!;
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
    console.log(
      `importing ${options.rows} rows (${megabytes(bytes)}) through POST /api/subscribers/import; ` +
        `load average before: ${load.toFixed(1)} on ${cpus().length} CPUs`,
    );
    const url = `${stack.urls.api}/api/subscribers/import?mode=consented`;
    const headers = { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'text/csv; charset=utf-8' };
    // The dry run first: the same file read, checked and looked up, nothing written.
    const dryStarted = performance.now();
    const dry = await post(`${url}&dryRun=true`, headers, csv);
    const drySeconds = (performance.now() - dryStarted) / 1000;
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
    const started = performance.now();
    const response = await post(url, headers, csv);
    csv = undefined;
    const report = JSON.parse(response.text) as ImportReport & { error?: { message: string } };
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    if (response.status !== 200) throw new Error(`${response.status}: ${report.error?.message ?? 'the import failed'}`);
    const rows: Record<string, string>[] = [
      { figure: 'rows', value: String(report.rows) },
      {
        figure: 'imported / skipped / errors',
        value: `${report.imported} / ${report.skippedCount} / ${report.errorCount}`,
      },
      { figure: 'time', value: `${seconds.toFixed(1)} s` },
      { figure: 'rows/s', value: (report.rows / seconds).toFixed(0) },
      { figure: 'dry run (nothing written)', value: `${drySeconds.toFixed(1)} s (status ${dry.status})` },
      {
        figure: 'peak RSS (Herald process)',
        value: `${megabytes(peakRss)} (${megabytes(rssBefore)} before the import)`,
      },
      {
        figure: 'peak RSS (emulators: DynamoDB, SES)',
        value: `${megabytes(await dynamodb.peakRss())}, ${megabytes(await ses.peakRss())}`,
      },
      { figure: 'load average after', value: loadavg()[0]!.toFixed(1) },
    ];
    console.log(formatTable(rows, ['figure', 'value']));
    console.log(
      `target        100,000 rows in <= 30 s, peak RSS < 200 MB: ${
        seconds <= (30 * report.rows) / 100_000 && peakRss < 200 * 1024 * 1024 ? 'met' : 'missed'
      }`,
    );
  } finally {
    await stack.stop();
    ses.stop();
    dynamodb.stop();
    process.env = previousEnv;
    rmSync(dataDir, { recursive: true, force: true });
  }
}
