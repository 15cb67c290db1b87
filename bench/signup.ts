// `npm run bench -- signup [--seconds 30] [--clients 32] [--rate 300] [--runs 3]`: POST /api/subscribe on 127.0.0.1
// against the embedded stack (in this process, in a temporary folder) from keep-alive clients in a process of their
// own (bench/signup-load.ts), then checks that every 202 has its subscriber record and exactly one confirmation
// email. Each run drives two loads: the clients as fast as they can (what the stack takes), then `--rate` requests a
// second offered (latency from each request's planned start); then it measures the signup's ready-made floor. It
// prints the load average first, each figure's median over the runs (the check covers every run's signups), the
// CPU per request of every process, and the target: 300 requests/s with p99 under 100 ms, none lost. The SES and
// DynamoDB emulators run in processes of their own (their work is not Herald's); the SES one counts the
// confirmations per address for the check and empties its store as it goes.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SendBulkEmailCommand } from '@aws-sdk/client-sesv2';
import { startEmbeddedStack, type EmbeddedStack } from '../local/stack.ts';
import { formatTable } from '../local/table.ts';
import {
  eachLimited,
  loadLine,
  median,
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
import { signupBody, type SignupLoad, type SignupLoadResult, type SignupShape } from './signup-load.ts';

const shapeOf = (reference: Reference): SignupShape => ({
  languages: [...reference.languages],
  countryCodes: [...reference.countryCodes],
  regions: Object.fromEntries(reference.countryCodes.map((c) => [c, reference.regionsOf(c)])),
  topics: [...reference.topics],
});

/** The clients' process (bench/signup-load.ts): `drive` runs one load there and answers with what it measured. */
function startClients() {
  const child = fork(fileURLToPath(new URL('./signup-load.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
  });
  return {
    drive: (load: SignupLoad) =>
      new Promise<SignupLoadResult>((resolve, reject) => {
        const exited = (code: number | null) => reject(new Error(`the clients' process ended (exit code ${code})`));
        child.once('exit', exited);
        child.once('message', (m) => {
          child.off('exit', exited);
          resolve(m as SignupLoadResult);
        });
        child.send(load);
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (!child.connected) return resolve();
        child.once('exit', () => resolve());
        child.disconnect();
      }),
  };
}

export interface SignupBenchOptions {
  seconds: number;
  clients: number;
  /** Requests a second offered in the paced load. */
  rate: number;
  runs: number;
}

export function signupOptions(args: string[]): SignupBenchOptions {
  return {
    seconds: numberOption(args, 'seconds', 30),
    clients: numberOption(args, 'clients', 32),
    rate: numberOption(args, 'rate', 300),
    runs: runsOption(args),
  };
}

/**
 * The floor of a signup with these components: per signup, the calls none can do without, ready-made, through the
 * clients Herald uses, `clients` at once in this process, against the same emulators: the two rate-limit counters
 * (UpdateItem), the pending subscriber (a conditional PutItem) and the confirmation email (one SendBulkEmail entry,
 * the English confirmation's HTML). No HTTP server, no validation, no rendering.
 */
async function signupFloor(
  stack: EmbeddedStack,
  emulators: { cpuMs(): Promise<number> }[],
  shape: SignupShape,
  clients: number,
  seconds: number,
) {
  const { fast, sesBulk } = stack.clients;
  const table = stack.services.config.tables.subscribers!;
  const email = await stack.services.messages.confirmationEmail('en', {
    confirmUrl: `${stack.urls.api}/api/subscribe/confirm?token=${'t'.repeat(120)}`,
  });
  const run = `floor${Date.now().toString(36)}`;
  const now = Math.floor(Date.now() / 1000);
  // As the rate limiter keys them: every client is 127.0.0.1, so every signup counts on the one item of its minute.
  const limit = (key: string) =>
    fast.update({
      TableName: table,
      Key: { id: `rate#${key}#60#${Math.floor(now / 60)}` },
      UpdateExpression: 'ADD hits :one SET expiresAt = :expires',
      ConditionExpression: 'attribute_not_exists(hits) OR hits < :limit',
      ExpressionAttributeValues: { ':one': 1, ':limit': 1_000_000_000, ':expires': now + 120 },
    });
  let n = 0;
  const cpu = process.cpuUsage();
  const emulatorsBefore = await Promise.all(emulators.map((e) => e.cpuMs()));
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < end) {
        const body = signupBody(shape, run, n++);
        await limit('ip:bench-floor');
        await limit(`address:${body.email}`);
        await fast.put({
          TableName: table,
          Item: { id: body.email, ...body, status: 'pending', createdAt: new Date().toISOString(), version: 1 },
          ConditionExpression: 'attribute_not_exists(id)',
        });
        await sesBulk.send(
          new SendBulkEmailCommand({
            FromEmailAddress: 'Bench <bench@readers.example>',
            DefaultContent: {
              Template: {
                TemplateContent: { Subject: email.subject, Html: email.html, Text: email.text },
                TemplateData: '{}',
              },
            },
            BulkEmailEntries: [
              {
                Destination: { ToAddresses: [body.email] },
                ReplacementTags: [{ Name: 'purpose', Value: 'confirmation' }],
              },
            ],
          }),
        );
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const emulatorsAfter = await Promise.all(emulators.map((e) => e.cpuMs()));
  return {
    rate: n / elapsed,
    cpuMs: [cpuMsOf(process.cpuUsage(cpu)) / n, ...emulatorsAfter.map((ms, i) => (ms - emulatorsBefore[i]!) / n)] as [
      number,
      number,
      number,
    ],
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
  const clients = startClients();
  try {
    const url = new URL('/api/subscribe', stack.urls.api);
    url.hostname = '127.0.0.1';
    const run = Date.now().toString(36);
    const post = (body: unknown) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    const shape = shapeOf(stack.services.reference);
    // Warm-up, not measured: one signup per language renders that language's confirmation email once (then cached).
    const accepted: string[] = [];
    let n = 0;
    for (let i = 0; i < shape.languages.length; i += 1) {
      const body = signupBody(shape, run, n++);
      const response = await post(body);
      await response.arrayBuffer();
      if (response.status === 202) accepted.push(body.email);
    }

    console.log(
      `${options.clients} clients (a process of their own) posting to ${url} for ${options.seconds} s: as fast as they ` +
        `can, then ${options.rate} requests/s offered (after ${shape.languages.length} warm-up signups)`,
    );
    const statuses = new Map<string, number>();
    const measure = async (rate: number) => {
      const cpuBefore = process.cpuUsage();
      const emulatorsBefore = [await dynamodb.cpuMs(), await ses.cpuMs()];
      const load = await clients.drive({
        url: url.href,
        clients: options.clients,
        seconds: options.seconds,
        rate,
        run,
        from: n,
        shape,
      });
      const cpu = process.cpuUsage(cpuBefore);
      const emulatorsMs = [(await dynamodb.cpuMs()) - emulatorsBefore[0]!, (await ses.cpuMs()) - emulatorsBefore[1]!];
      n = load.next;
      accepted.push(...load.accepted);
      for (const [status, c] of load.statuses) statuses.set(status, (statuses.get(status) ?? 0) + c);
      const elapsed = load.elapsedMs / 1000;
      const sorted = load.latencies.sort((x, y) => x - y);
      return {
        requests: sorted.length,
        rate: sorted.length / elapsed,
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        max: sorted.at(-1) ?? NaN,
        cpuMs: cpuMsOf(cpu) / Math.max(1, sorted.length),
        cores: cpuMsOf(cpu) / 1000 / elapsed,
        clientCpuMs: load.cpuMs / Math.max(1, sorted.length),
        dynamoCpuMs: emulatorsMs[0]! / Math.max(1, sorted.length),
        sesCpuMs: emulatorsMs[1]! / Math.max(1, sorted.length),
      };
    };
    const results = await repeatRuns(options.runs, async () => ({
      capacity: await measure(0),
      paced: await measure(options.rate),
      floor: await signupFloor(stack, [dynamodb, ses], shape, options.clients, options.seconds),
    }));

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
    type Measured = (typeof results)[number]['capacity'];
    const report = (label: string, of: (r: (typeof results)[number]) => Measured) => {
      const pick = (f: (m: Measured) => number) => results.map((r) => f(of(r)));
      const rate = spreadText(
        pick((m) => m.rate),
        (v) => v.toFixed(0),
      );
      const [p50, p99, max] = [pick((m) => m.p50), pick((m) => m.p99), pick((m) => m.max)].map((v) =>
        spreadText(v, ms),
      );
      console.log(`${label}`);
      console.log(
        `  requests    ${pick((m) => m.requests).join(', ')} in ${options.seconds} s each: ${rate} requests/s`,
      );
      console.log(`  latency     p50 ${p50}; p99 ${p99}; max ${max}`);
      console.log(
        `  cpu         ${spreadText(
          pick((m) => m.cpuMs),
          ms,
        )} per request in Herald's process (the stack), ` +
          `${spreadText(
            pick((m) => m.cores * 100),
            (v) => `${v.toFixed(0)}%`,
          )} of one core; per request the clients' process ${spreadText(
            pick((m) => m.clientCpuMs),
            ms,
          )}, the DynamoDB emulator's ${spreadText(
            pick((m) => m.dynamoCpuMs),
            ms,
          )}, the SES emulator's ${spreadText(
            pick((m) => m.sesCpuMs),
            ms,
          )}`,
      );
      return { rate: median(pick((m) => m.rate)), p99: median(pick((m) => m.p99)) };
    };
    report(`as fast as ${options.clients} clients can (what the stack takes)`, (r) => r.capacity);
    const paced = report(
      `${options.rate} requests/s offered (latency from each request's planned start)`,
      (r) => r.paced,
    );
    const floorMs = (k: number) =>
      spreadText(
        results.map((r) => r.floor.cpuMs[k]!),
        ms,
      );
    console.log(
      `floor: ready-made calls of a signup (the same clients, ${options.clients} at once, in Herald's process)\n` +
        `  rate        ${spreadText(
          results.map((r) => r.floor.rate),
          (v) => v.toFixed(0),
        )} signups/s\n` +
        `  cpu         ${floorMs(0)} per signup in Herald's process, the DynamoDB emulator's ${floorMs(1)}, the SES emulator's ${floorMs(2)}`,
    );
    console.log(`${loadLine()} after`);
    console.log(
      `memory        peak RSS of the SES emulator's process ${((await ses.peakRss()) / 1024 / 1024).toFixed(0)} MB; this process now ${(process.memoryUsage.rss() / 1024 / 1024).toFixed(0)} MB`,
    );
    console.log(
      `checked       ${accepted.length} accepted (202, warm-up included): ${withoutRecord.length} without a subscriber record, ${withoutEmail.length} without a confirmation email, ${duplicated.length} with more than one (${verifySeconds.toFixed(1)} s)`,
    );
    console.log(`lost          ${lost}`);
    // The offered rate is kept when nearly every planned request ran (the last ones may still be planned at the end).
    const kept = paced.rate >= options.rate * 0.98;
    // Latencies count every answer: the target holds only if every one was a 202.
    const allAccepted = [...statuses.keys()].every((status) => status === '202');
    console.log(
      `target        ${options.rate} requests/s with p99 < 100 ms, none lost: ${
        kept && allAccepted && paced.p99 < 100 && lost === 0 ? 'met' : 'missed'
      } (medians: ${paced.rate.toFixed(0)} requests/s, p99 ${ms(paced.p99)})`,
    );
  } finally {
    await clients.stop();
    await stack.stop();
    await Promise.all([ses.stop(), dynamodb.stop()]);
    rmSync(dataDir, { recursive: true, force: true });
    for (const [name, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
