// `npm run bench -- signup [--seconds 30] [--clients 32]`: drives POST /api/subscribe on 127.0.0.1 with concurrent
// keep-alive clients against the embedded stack (in this process, in a temporary folder), then checks that every 202
// has its subscriber record and exactly one confirmation email. Prints requests/s, latency percentiles and the number
// lost; the target is at least 300 requests/s with p99 under 100 ms and none lost. It prints the load average
// first, drives the load `--runs` times (3 unless given) on the same stack and prints each figure's median over the
// runs (the check covers every run's signups). The SES and DynamoDB emulators run in processes of their own, as in
// the other benchmarks (their work is not Herald's); the SES one counts the confirmations per address for the check
// and empties its store as it goes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedStack } from '../local/stack.ts';
import { formatTable } from '../local/table.ts';
import {
  eachLimited,
  loadLine,
  medianOf,
  numberOption,
  printLoad,
  repeatRuns,
  runsOption,
  spreadText,
  startEmulatorChild,
  cpuMsOf,
} from './common.ts';
import { subscriberIdFor } from '../functions/domain/subscribers.ts';
import type { Reference } from '../functions/domain/reference.ts';

export interface SignupBenchOptions {
  seconds: number;
  clients: number;
  runs: number;
}

export function signupOptions(args: string[]): SignupBenchOptions {
  return {
    seconds: numberOption(args, 'seconds', 30),
    clients: numberOption(args, 'clients', 32),
    runs: runsOption(args),
  };
}

/** The n-th signup: every language, country and region (partner region or "other") in turn, a unique address. */
function signupBody(reference: Reference, run: string, n: number) {
  const { languages, countryCodes } = reference;
  const language = languages[n % languages.length]!;
  const country = countryCodes[n % countryCodes.length]!;
  const regions = reference.regionsOf(country);
  return {
    email: `bench.${run}.${n}@example.${country.toLowerCase()}`,
    language,
    country,
    region: regions[Math.floor(n / countryCodes.length) % regions.length]!,
    topics: reference.topics.filter((_, i) => (n >> i) & 1),
    consent: true as const,
  };
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

export async function benchSignup(options: SignupBenchOptions = signupOptions(process.argv.slice(2))) {
  printLoad(options.runs);
  const previous = {
    LOG_LEVEL: process.env.LOG_LEVEL,
    HERALD_SIGNUP_RATE_LIMIT: process.env.HERALD_SIGNUP_RATE_LIMIT,
    HERALD_SIGNUP_ADDRESS_LIMIT: process.env.HERALD_SIGNUP_ADDRESS_LIMIT,
    AWS_ENDPOINT_URL_SES: process.env.AWS_ENDPOINT_URL_SES,
    AWS_ENDPOINT_URL_DYNAMODB: process.env.AWS_ENDPOINT_URL_DYNAMODB,
  };
  // Every client is 127.0.0.1: lift the per-IP and per-address limits; keep the logs to warnings and errors.
  process.env.LOG_LEVEL = 'warn';
  process.env.HERALD_SIGNUP_RATE_LIMIT = '1000000000';
  process.env.HERALD_SIGNUP_ADDRESS_LIMIT = '1000000000';
  const ses = await startEmulatorChild('ses', { count: true });
  process.env.AWS_ENDPOINT_URL_SES = ses.url;
  const dynamodb = await startEmulatorChild('dynamodb');
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamodb.url;
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-bench-signup-'));
  const stack = await startEmbeddedStack({ dataDir, port: 0, sesPort: 0, dynamoPort: 0 });
  try {
    const url = new URL('/api/subscribe', stack.urls.api);
    url.hostname = '127.0.0.1';
    const run = Date.now().toString(36);
    const post = (body: unknown) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    // Warm-up, not measured: one signup per language renders that language's confirmation email once (then cached).
    const accepted: string[] = [];
    let n = 0;
    for (let i = 0; i < stack.services.reference.languages.length; i += 1) {
      const body = signupBody(stack.services.reference, run, n++);
      const response = await post(body);
      await response.arrayBuffer();
      if (response.status === 202) accepted.push(body.email);
    }

    console.log(
      `${options.clients} clients posting to ${url} for ${options.seconds} s (after ${stack.services.reference.languages.length} warm-up signups)`,
    );
    const statuses = new Map<string, number>();
    const count = (status: string) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
    const results = await repeatRuns(options.runs, async () => {
      const latencies: number[] = [];
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      const end = started + options.seconds * 1000;
      await Promise.all(
        Array.from({ length: options.clients }, async () => {
          while (performance.now() < end) {
            const body = signupBody(stack.services.reference, run, n++);
            const t0 = performance.now();
            try {
              const response = await post(body);
              await response.arrayBuffer();
              latencies.push(performance.now() - t0);
              count(String(response.status));
              if (response.status === 202) accepted.push(body.email);
            } catch (error) {
              latencies.push(performance.now() - t0);
              count(`error: ${(error as Error).cause ?? (error as Error).message}`);
            }
          }
        }),
      );
      const elapsed = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      const sorted = latencies.sort((x, y) => x - y);
      return {
        requests: latencies.length,
        rate: latencies.length / elapsed,
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        max: sorted.at(-1) ?? NaN,
        cpuMs: cpuMsOf(cpu) / Math.max(1, latencies.length),
        cores: cpuMsOf(cpu) / 1000 / elapsed,
      };
    });

    // Every 202: a subscriber record, and exactly one confirmation email to the address (once queued work is done).
    const verifyStarted = performance.now();
    await stack.drained();
    const withoutRecord: string[] = [];
    await eachLimited(accepted, 32, async (email) => {
      if (!(await stack.services.subscribers.get(subscriberIdFor(email)))) withoutRecord.push(email);
    });
    const mails = await ses.tally();
    const withoutEmail = accepted.filter((email) => !mails.has(email));
    const duplicated = accepted.filter((email) => (mails.get(email) ?? 0) > 1);
    const lost = new Set([...withoutRecord, ...withoutEmail]).size;
    const verifySeconds = (performance.now() - verifyStarted) / 1000;

    const rows = [...statuses].sort(([a], [b]) => a.localeCompare(b)).map(([status, c]) => ({ status, requests: c }));
    console.log(formatTable(rows, ['status', 'requests']));
    console.log('');
    const ms = (v: number) => `${v.toFixed(1)} ms`;
    const pick = (f: (r: (typeof results)[number]) => number) => results.map(f);
    const rate = spreadText(
      pick((r) => r.rate),
      (v) => v.toFixed(0),
    );
    const [p50, p99, max] = [pick((r) => r.p50), pick((r) => r.p99), pick((r) => r.max)].map((v) => spreadText(v, ms));
    const cpuMs = spreadText(
      pick((r) => r.cpuMs),
      ms,
    );
    const cores = spreadText(
      pick((r) => r.cores * 100),
      (v) => `${v.toFixed(0)}%`,
    );
    console.log(`requests      ${pick((r) => r.requests).join(', ')} in ${options.seconds} s each: ${rate} requests/s`);
    console.log(`latency       p50 ${p50}; p99 ${p99}; max ${max}`);
    console.log(
      `cpu           ${cpuMs} per request in this process (the stack and the clients; ` +
        `the DynamoDB and SES emulators apart); ${cores} of one core; ${loadLine()} after`,
    );
    console.log(
      `memory        peak RSS of the SES emulator's process ${((await ses.peakRss()) / 1024 / 1024).toFixed(0)} MB; this process now ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MB`,
    );
    console.log(
      `checked       ${accepted.length} accepted (202, warm-up included): ${withoutRecord.length} without a subscriber record, ${withoutEmail.length} without a confirmation email, ${duplicated.length} with more than one (${verifySeconds.toFixed(1)} s)`,
    );
    console.log(`lost          ${lost}`);
    console.log(
      `target        >= 300 requests/s, p99 < 100 ms, none lost: ${
        medianOf(pick((r) => r.rate)).median >= 300 && medianOf(pick((r) => r.p99)).median < 100 && lost === 0
          ? 'met'
          : 'missed'
      } (medians)`,
    );
  } finally {
    await stack.stop();
    await Promise.all([ses.stop(), dynamodb.stop()]);
    rmSync(dataDir, { recursive: true, force: true });
    for (const [name, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
