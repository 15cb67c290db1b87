// `npm run bench -- stats [--recipients 100000] [--events 20000] [--runs 3]`: fills a sent issue on the embedded stack
// (in this process; DynamoDB and SES emulators in processes of their own, as in the send bench) with recipients and
// their SES events, then prints the median time of a stats request by region, country and language at 1,000
// recipients and at the full count, how many SES events the ingest handler takes per second, and the ingest's
// ready-made floor (the conditional marks alone). It prints the load average first; each measurement runs `--runs`
// times (the ingest over other recipients each time) and prints the median of the runs, min and max beside it. The
// issue's targets: under 20 ms per stats request, whatever the number of recipients, and at least 2,000 events/s.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { startEmbeddedStack, type EmbeddedStack } from '../local/stack.ts';
import { sqsEvent } from '../local/queue.ts';
import { formatTable } from '../local/table.ts';
import {
  eachLimited,
  medianCell,
  numberOption,
  printLoad,
  repeatRuns,
  runsOption,
  spreadText,
  startEmulatorChild,
  profileOption,
  startCpuProfile,
  median,
  cpuMsOf,
  readyMadeMark,
} from './common.ts';
import { SES_EVENTS_BATCH_SIZE } from '../contracts/limits.ts';
import { createSesEventsHandler } from '../functions/handlers/ses-events.ts';
import { createClients } from '../functions/wiring/clients.ts';
import { countIncrements } from '../functions/domain/progress.ts';
import type { Reference } from '../functions/domain/reference.ts';
import type { SegmentCounts } from '../functions/domain/ports.ts';
import { subscriberIdFor } from '../functions/domain/subscribers.ts';

const ISSUE_ID = 'bench-stats';
const GROUPINGS = ['region', 'country', 'language'] as const;
/** Ingest invocations at once (Lambda runs several per SQS queue). */
const INGEST_CONCURRENCY = 8;

export interface StatsBenchOptions {
  recipients: number;
  /** SES events sent through the ingest handler to measure its rate (the rest are counted directly). */
  events: number;
  requests: number;
  runs: number;
  /** A file to write the CPU profile of the last run's ingest to. */
  profile: string | undefined;
}

export const statsOptions = (args: string[]): StatsBenchOptions => ({
  recipients: numberOption(args, 'recipients', 100_000),
  events: numberOption(args, 'events', 20_000),
  requests: numberOption(args, 'requests', 100),
  runs: runsOption(args),
  profile: profileOption(args),
});

/** The n-th recipient: every country, language and region in turn. */
function recipient(reference: Reference, n: number) {
  const { countryCodes, languages } = reference;
  const country = countryCodes[n % countryCodes.length]!;
  const regions = reference.regionsOf(country);
  return {
    email: `bench.${n}@example.org`,
    id: subscriberIdFor(`bench.${n}@example.org`),
    country,
    language: languages[Math.floor(n / countryCodes.length) % languages.length]!,
    region: regions[Math.floor(n / 7) % regions.length]!,
    messageId: `bench-message-${n}`,
  };
}

/** Delivery records of recipients [from, to) (25 per BatchWriteItem) and their counters, summed per segment. */
async function addRecipients(stack: EmbeddedStack, from: number, to: number, counted: (keyof SegmentCounts)[]) {
  const dynamo = createClients().dynamo;
  const table = stack.services.config.tables.deliveries!;
  const at = new Date(Date.now() - 3 * 3600_000).toISOString();
  const chunks: number[][] = [];
  for (let n = from; n < to; n += 25) chunks.push(Array.from({ length: Math.min(25, to - n) }, (_, i) => n + i));
  await eachLimited(chunks, 8, async (chunk) => {
    let requests = chunk.map((n) => {
      const r = recipient(stack.services.reference, n);
      return {
        PutRequest: {
          Item: {
            issueId: ISSUE_ID,
            subscriberId: r.id,
            country: r.country,
            language: r.language,
            region: r.region,
            status: 'sent',
            messageId: r.messageId,
            claimedAt: at,
            sentAt: at,
          },
        },
      };
    });
    while (requests.length > 0) {
      const { UnprocessedItems } = await dynamo.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
      requests = (UnprocessedItems?.[table] ?? []) as typeof requests;
    }
  });
  await countRange(stack, from, to, counted);
}

/** Counters as a send and SES events add them: per (country, language) group, one ADD per segment. */
async function countRange(stack: EmbeddedStack, from: number, to: number, counted: (keyof SegmentCounts)[]) {
  const groups = new Map<string, { country: string; language: string; regions: string[] }>();
  for (let n = from; n < to; n++) {
    const r = recipient(stack.services.reference, n);
    const key = `${r.country}/${r.language}`;
    const group = groups.get(key) ?? { country: r.country, language: r.language, regions: [] };
    group.regions.push(r.region);
    groups.set(key, group);
  }
  for (const group of groups.values()) {
    for (const name of counted) {
      await stack.services.counters.add(ISSUE_ID, countIncrements(group.country, group.language, group.regions, name));
    }
  }
}

/**
 * The floor of the ingest with these components: the one write an SES event cannot do without (the conditional
 * mark that counts it once, as `markMessage` makes it), ready-made, through the client Herald uses, in batches as
 * the ingest gets them, INGEST_CONCURRENCY at once, on recipients [from, from + n) (already ingested: the floor marks
 * a field of its own, so each write does what a first Delivery's does). No parsing, no counters.
 */
async function markFloor(stack: EmbeddedStack, dynamodb: { cpuMs(): Promise<number> }, from: number, n: number) {
  const table = stack.services.config.tables.deliveries!;
  const at = new Date().toISOString();
  // The records' keys are made before the clock starts, as the ingest's event bodies are.
  const records = Array.from({ length: n }, (_, k) => {
    const r = recipient(stack.services.reference, from + k);
    return { issueId: ISSUE_ID, subscriberId: r.id, messageId: r.messageId };
  });
  const batches: (typeof records)[] = [];
  for (let i = 0; i < n; i += SES_EVENTS_BATCH_SIZE) batches.push(records.slice(i, i + SES_EVENTS_BATCH_SIZE));
  const cpu = process.cpuUsage();
  const emulatorBefore = await dynamodb.cpuMs();
  const started = performance.now();
  await eachLimited(batches, INGEST_CONCURRENCY, async (batch) => {
    await Promise.all(batch.map((record) => readyMadeMark(stack.clients.fast, table, record, 'floorMarkedAt', at)));
  });
  const seconds = (performance.now() - started) / 1000;
  return {
    rate: n / seconds,
    cpuMs: [cpuMsOf(process.cpuUsage(cpu)) / n, ((await dynamodb.cpuMs()) - emulatorBefore) / n] as [number, number],
  };
}

async function statsTimes(stack: EmbeddedStack, requests: number) {
  const url = (by: string) => `${stack.urls.api}/api/issues/${ISSUE_ID}/stats?by=${by}`;
  const headers = { authorization: `Bearer ${stack.adminToken}` };
  const result: Record<string, number> = {};
  for (const by of GROUPINGS) {
    for (let i = 0; i < 5; i++) await (await fetch(url(by), { headers })).arrayBuffer(); // warm-up
    const times: number[] = [];
    for (let i = 0; i < requests; i++) {
      const started = performance.now();
      const response = await fetch(url(by), { headers });
      await response.arrayBuffer();
      times.push(performance.now() - started);
      if (response.status !== 200) throw new Error(`stats answered ${response.status}`);
    }
    result[by] = median(times);
  }
  return result;
}

/** Each grouping's median time over `runs` runs of `statsTimes`. */
async function statsRuns(stack: EmbeddedStack, options: StatsBenchOptions) {
  const runs = await repeatRuns(options.runs, () => statsTimes(stack, options.requests));
  return Object.fromEntries(GROUPINGS.map((by) => [`by ${by} (ms)`, medianCell(runs.map((r) => r[by]!))]));
}

export async function benchStats(options: StatsBenchOptions = statsOptions(process.argv.slice(2))) {
  printLoad(options.runs);
  const previousEnv = { ...process.env };
  process.env.LOG_LEVEL ??= 'silent';
  const ses = await startEmulatorChild('ses');
  const dynamodb = await startEmulatorChild('dynamodb');
  process.env.AWS_ENDPOINT_URL_SES = ses.url;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamodb.url;
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-bench-stats-'));
  const stack = await startEmbeddedStack({ dataDir, port: 0, sesPort: 0, dynamoPort: 0 });
  try {
    const now = new Date().toISOString();
    await stack.services.issues.put({
      id: ISSUE_ID,
      title: 'Stats benchmark',
      subject: { en: 'Stats benchmark' },
      intro: { en: 'Benchmark' },
      sections: [],
      status: 'sent',
      createdAt: now,
      sentAt: now,
    });
    const rows: Record<string, string | number>[] = [];
    const small = Math.min(1_000, options.recipients);
    // Each run ingests the events of other recipients: a delivery is counted once.
    const perRun = Math.max(1, Math.min(options.events, Math.floor(options.recipients / options.runs)));
    let filled = 0;
    for (const size of [...new Set([small, options.recipients])]) {
      const started = performance.now();
      await addRecipients(stack, filled, size, ['recipients', 'sent']);
      filled = size;
      console.log(`filled ${size} recipients in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      rows.push({ recipients: size, ...(await statsRuns(stack, options)) });
    }

    // Delivery events through the SesEvents handler as the SQS event source hands them over: 100 per invocation,
    // a few invocations at once, in the order a send produces them (segment by segment, a batch of 50 at a time).
    const ingest = createSesEventsHandler(stack.services);
    let unIngested = 0;
    let mismatches = 0;
    /** Per run, the CPU per event of this process and of the DynamoDB emulator's. */
    const cpuPerEvent: [number, number][] = [];
    const rates = await repeatRuns(options.runs, async (run) => {
      const from = run * perRun;
      const order = Array.from({ length: perRun }, (_, n) => recipient(stack.services.reference, from + n)).sort(
        (a, b) => `${a.country}/${a.language}`.localeCompare(`${b.country}/${b.language}`),
      );
      const bodies = order.map((r) =>
        JSON.stringify({
          eventType: 'Delivery',
          mail: { messageId: r.messageId, timestamp: now, destination: [r.email], tags: { issue: [ISSUE_ID] } },
          delivery: { timestamp: now, recipients: [r.email], smtpResponse: '250 2.6.0 Message received' },
        }),
      );
      const batches: string[][] = [];
      for (let i = 0; i < bodies.length; i += SES_EVENTS_BATCH_SIZE)
        batches.push(bodies.slice(i, i + SES_EVENTS_BATCH_SIZE));
      const profiler = options.profile && run === options.runs - 1 ? await startCpuProfile() : undefined;
      const cpu = process.cpuUsage();
      const emulatorMs = await dynamodb.cpuMs();
      const started = performance.now();
      await eachLimited(batches, INGEST_CONCURRENCY, async (batch) => {
        unIngested += (await ingest(sqsEvent(batch))).batchItemFailures.length;
      });
      const seconds = (performance.now() - started) / 1000;
      const used = process.cpuUsage(cpu);
      if (profiler) await profiler.stopInto(options.profile!);
      cpuPerEvent.push([cpuMsOf(used) / perRun, ((await dynamodb.cpuMs()) - emulatorMs) / perRun]);
      const total = await stack.services.counters.readTotal(ISSUE_ID);
      if (total.delivered !== from + perRun) mismatches += 1;
      return perRun / seconds;
    });
    const floors = await repeatRuns(options.runs, (run) => markFloor(stack, dynamodb, run * perRun, perRun));
    const ingested = perRun * options.runs;
    // The remaining recipients' deliveries are counted directly, so the counters hold a full issue's figures.
    if (options.recipients > ingested) await countRange(stack, ingested, options.recipients, ['delivered']);
    rows.push({ recipients: `${options.recipients} (+events)`, ...(await statsRuns(stack, options)) });

    console.log(
      `\nMedian time of GET /api/issues/{id}/stats (${options.requests} requests each, one client, ${cpus().length} cores; ` +
        `median of ${options.runs} runs, min-max in brackets):\n`,
    );
    console.log(formatTable(rows, ['recipients', ...GROUPINGS.map((by) => `by ${by} (ms)`)]));
    console.log(
      `\nSES events ingested: ${perRun} Delivery events a run, ${spreadText(rates, (r) => r.toFixed(0))} events/s ` +
        `(batches of ${SES_EVENTS_BATCH_SIZE}, ${INGEST_CONCURRENCY} at once; ` +
        `${mismatches === 0 ? 'each counted once' : `${mismatches} runs MISCOUNTED`}; ${unIngested} reported failed); ` +
        `CPU per event ${spreadText(
          cpuPerEvent.map(([own]) => own),
          (ms) => `${ms.toFixed(2)} ms`,
        )} in this process, ${spreadText(
          cpuPerEvent.map(([, emulator]) => emulator),
          (ms) => `${ms.toFixed(2)} ms`,
        )} in the DynamoDB emulator's.`,
    );
    console.log(
      `Floor: as many ready-made conditional marks (UpdateItem), in the same batches and at once: ${spreadText(
        floors.map((f) => f.rate),
        (r) => r.toFixed(0),
      )} events/s; CPU per event ${spreadText(
        floors.map((f) => f.cpuMs[0]),
        (ms) => `${ms.toFixed(2)} ms`,
      )} in this process, ${spreadText(
        floors.map((f) => f.cpuMs[1]),
        (ms) => `${ms.toFixed(2)} ms`,
      )} in the DynamoDB emulator's.`,
    );
    console.log('Targets: under 20 ms per stats request at any size; at least 2,000 events/s.');
  } finally {
    await stack.stop();
    await Promise.all([ses.stop(), dynamodb.stop()]);
    process.env = previousEnv;
    rmSync(dataDir, { recursive: true, force: true });
  }
}
