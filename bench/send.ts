// `npm run bench -- send [--subscribers 20000] [--quota 200] [--runs 3] [--profile=FILE]`: sends the sample issue to
// N generated confirmed subscribers (in every country and language of the profile) through the embedded pipeline
// (fan-out, queue, senders, pacer, SES emulator), waits until every Delivery event is ingested, and prints the load
// average first, then the median of the runs (each on fresh emulators, stack and data): recipients/s end to end,
// the time to send and to ingest, the CPU per recipient of the Herald process and of the emulators', SES calls, the
// peak RSS of the Herald process (max over the runs; the emulators and the SES fault proxy run in processes of their
// own, their peak RSS beside it) and its heap after a full GC, this machine's ceiling (as many ready-made
// SendBulkEmail calls straight to the emulator), the floor (an exactly-once send of ready-made calls through the same
// clients and emulators), the requests the send made per AWS service and the AWS cost of 100,000 emails on list
// prices beside SES's (bench/cost.ts). With --quota the emulated SES accepts that many emails a second (and
// GetAccount says so): it prints the sustained rate as a share of it. With --profile=FILE it writes the Herald
// process's CPU profile of the send (Chrome DevTools format; `npx tsx bench/profile-summary.ts FILE --per N`
// prints where each millisecond per recipient goes).
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SendBulkEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { startEmbeddedStack, type EmbeddedStack } from '../local/stack.ts';
import { generatedSubscriber, generateSubscribers } from '../local/generate-subscribers.ts';
import { formatTable } from '../local/table.ts';
import {
  cpuMsOf,
  eachLimited,
  median,
  megabytes,
  ms,
  numberOption,
  printLoad,
  profileOption,
  readyMadeMark,
  repeatRuns,
  runsOption,
  spreadOf,
  startCpuProfile,
  startEmulatorChild,
} from './common.ts';
import { consumingQueues, meterDynamo, meterQueues, queueMeter, resetQueueMeters, type DynamoMeter } from './meter.ts';
import { costOf, PRICES, type CostLine } from './cost.ts';

export interface SendBenchOptions {
  subscribers: number;
  quota: number | undefined;
  concurrency: number;
  runs: number;
  /** A file to write the Herald process's CPU profile of the (last) send to, from its start to its last event. */
  profile: string | undefined;
}

export function sendOptions(args: string[]): SendBenchOptions {
  const quota = numberOption(args, 'quota', 0);
  return {
    subscribers: numberOption(args, 'subscribers', 20_000),
    quota: quota > 0 ? quota : undefined,
    concurrency: numberOption(args, 'concurrency', 8),
    runs: runsOption(args),
    profile: profileOption(args),
  };
}

/** N/50 ready-made SendBulkEmail calls of the stored edition, `concurrency` at a time, straight to the emulator. */
async function ceiling(sesUrl: string, html: string, text: string, recipients: number, concurrency: number) {
  const client = new SESv2Client({ endpoint: sesUrl, maxAttempts: 1 });
  const calls = Math.ceil(recipients / 50);
  const command = (k: number) =>
    new SendBulkEmailCommand({
      FromEmailAddress: 'Bench <bench@readers.example>',
      DefaultContent: {
        Template: { TemplateContent: { Subject: 'Bench', Html: html, Text: text }, TemplateData: '{}' },
      },
      BulkEmailEntries: Array.from({ length: 50 }, (_, i) => ({
        Destination: { ToAddresses: [`ceiling${k}-${i}@readers.example`] },
        ReplacementEmailContent: { ReplacementTemplate: { ReplacementTemplateData: '{"name":"Reader"}' } },
      })),
    });
  const started = performance.now();
  await eachLimited(
    Array.from({ length: calls }, (_, k) => k),
    concurrency,
    async (k) => void (await client.send(command(k))),
  );
  return (calls * 50) / ((performance.now() - started) / 1000);
}

/** CPU per recipient of the Herald process and of the DynamoDB and SES emulators' processes. */
type CpuSplit = [number, number, number];

/**
 * The floor of an exactly-once send with these components: per batch of 50 generated subscribers, the calls no
 * delivery can do without, ready-made, through the clients Herald uses, `concurrency` batches at once, against the
 * same emulators in the same run. A BatchGetItem of their states, a conditional PutItem claim each, one
 * SendBulkEmail, the outcomes in BatchWriteItems of 25, and one conditional UpdateItem each for its Delivery event
 * (the mark that counts it once). No queue, no pacer, no counters, no rendering of links.
 */
async function deliveryFloor(
  stack: EmbeddedStack,
  emulators: { cpuMs(): Promise<number> }[],
  edition: { subject: string; html: string; text: string },
  recipients: number,
  concurrency: number,
) {
  const { fast, sesBulk } = stack.clients;
  const { subscribers, deliveries } = stack.services.config.tables as Record<string, string>;
  const at = new Date().toISOString();
  const issueId = `floor-${Date.now()}`;
  const batches = Array.from({ length: Math.ceil(recipients / 50) }, (_, b) =>
    Array.from({ length: Math.min(50, recipients - b * 50) }, (_, k) =>
      generatedSubscriber(stack.services.reference, b * 50 + k, 'readers.example', at),
    ),
  );
  const cpu = process.cpuUsage();
  const emulatorsBefore = await Promise.all(emulators.map((e) => e.cpuMs()));
  const started = performance.now();
  await eachLimited(batches, concurrency, async (batch) => {
    await fast.batchGet(
      subscribers!,
      batch.map((s) => ({ id: s.id })),
      {
        ProjectionExpression: 'id, #status, tracking',
        ExpressionAttributeNames: { '#status': 'status' },
      },
    );
    const record = (s: (typeof batch)[number]) => ({
      issueId,
      subscriberId: s.id,
      country: s.country,
      language: s.language,
      region: s.region,
    });
    await Promise.all(
      batch.map((s) =>
        fast.put({
          TableName: deliveries!,
          Item: { ...record(s), status: 'claimed', claimedAt: at },
          ConditionExpression: 'attribute_not_exists(subscriberId)',
        }),
      ),
    );
    const { BulkEmailEntryResults = [] } = await sesBulk.send(
      new SendBulkEmailCommand({
        FromEmailAddress: 'Bench <bench@readers.example>',
        DefaultContent: {
          Template: {
            TemplateContent: { Subject: edition.subject, Html: edition.html, Text: edition.text },
            TemplateData: '{}',
          },
        },
        BulkEmailEntries: batch.map((s) => ({
          Destination: { ToAddresses: [s.email] },
          ReplacementEmailContent: {
            ReplacementTemplate: {
              ReplacementTemplateData: JSON.stringify({
                name: s.name,
                unsubscribeUrl: `https://example.org/u/${s.id}`,
                preferencesUrl: `https://example.org/p/${s.id}`,
              }),
            },
          },
          ReplacementTags: [
            { Name: 'issue', Value: issueId },
            { Name: 'country', Value: s.country },
            { Name: 'language', Value: s.language },
          ],
        })),
      }),
    );
    const sent = batch.map((s, i) => ({
      ...record(s),
      status: 'sent',
      claimedAt: at,
      sentAt: at,
      messageId: BulkEmailEntryResults[i]?.MessageId ?? `m-${s.id}`,
    }));
    for (let i = 0; i < sent.length; i += 25) await fast.batchPut(deliveries!, sent.slice(i, i + 25));
    await Promise.all(sent.map((r) => readyMadeMark(fast, deliveries!, r, 'deliveredAt', at)));
  });
  const seconds = (performance.now() - started) / 1000;
  const emulatorsAfter = await Promise.all(emulators.map((e) => e.cpuMs()));
  return {
    rate: recipients / seconds,
    cpuMs: [
      cpuMsOf(process.cpuUsage(cpu)) / recipients,
      ...emulatorsAfter.map((ms, i) => (ms - emulatorsBefore[i]!) / recipients),
    ] as CpuSplit,
  };
}

/** A full garbage collection now, then the heap in use: what is live, not what V8 has yet to collect. */
function heapAfterFullGc() {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed;
}

const whole = (n: number) => Math.round(n).toLocaleString('en-US');
const dollars = (n: number) => `$${n.toFixed(4)}`;
/** How long the Delivery events may take after the send before the run gives up (the ingest is stuck). */
const INGEST_PATIENCE_MS = 120_000;

interface SendRun {
  recipients: number;
  outcome: string;
  sendSeconds: number;
  ingestSeconds: number;
  rate: number;
  /** Recipients per second until every Delivery event was ingested: what the floor, marks included, compares with. */
  ingestedRate: number;
  cpuMsSend: number;
  cpuMsAll: number;
  /** CPU per recipient of the DynamoDB and SES emulators' processes, which share this machine's cores. */
  emulatorsCpuMs: [number, number];
  sesCalls: number;
  throttled: number;
  peakRss: number;
  /** The heap still in use after a full collection at the end of the run: what the send left behind. */
  liveHeap: number;
  emulatorRss: [number, number];
  failedReasons: [string, number][];
  ceiling?: number;
  floor?: { rate: number; cpuMs: CpuSplit };
  usage: string[][];
  costs: CostLine[];
  herald: number;
  ses: number;
  gbSecondsCpuBound: number;
}

/** One run: fresh emulators, stack and subscribers; the send, then its Delivery events ingested. */
async function sendRun(options: SendBenchOptions): Promise<SendRun> {
  // The emulators run in processes of their own: their stores are not Herald's memory (in AWS they are SES and
  // DynamoDB), and the peak RSS printed is the Herald process's, with theirs beside it. The SES fault proxy (which
  // counts the calls and throttles to --quota) runs in the SES emulator's process, so its CPU is not Herald's.
  const ses = await startEmulatorChild('ses', { proxy: true, quota: options.quota });
  const dynamodb = await startEmulatorChild('dynamodb');
  const previousEnv = { ...process.env };
  process.env.AWS_ENDPOINT_URL_SES = ses.url;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamodb.url;
  process.env.LOG_LEVEL ??= 'silent';
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-bench-send-'));
  meterQueues();
  let dynamo: DynamoMeter | undefined;
  const queuesBefore = consumingQueues.length;
  const stack = await startEmbeddedStack({
    dataDir,
    port: 0,
    sesPort: 0,
    dynamoPort: 0,
    adminToken: 'bench-token-0123456789abcdef',
    sendConcurrency: options.concurrency,
    onClients: (clients) => (dynamo = meterDynamo([clients.dynamoDb, clients.dynamoDbFast])),
  });
  const SAMPLE_ISSUE_ID = stack.sample?.issueId;
  try {
    if (!SAMPLE_ISSUE_ID) throw new Error('The send benchmark needs a profile with a sample issue');
    if (!dynamo) throw new Error('the embedded stack did not hand over its clients');
    const eventsQueue = consumingQueues.slice(queuesBefore).find((q) => q !== stack.queue && q !== stack.fanOutQueue);
    if (!eventsQueue) throw new Error('the SES events queue of the embedded stack was not found');
    process.stdout.write(`generating ${options.subscribers} confirmed subscribers...\n`);
    await generateSubscribers(
      stack.services.reference,
      stack.clients.dynamo,
      stack.services.config.tables.subscribers!,
      options.subscribers,
      { tallies: stack.services.tallies },
    );
    const { issues, counters } = stack.services;
    dynamo.reset();
    resetQueueMeters([stack.queue, stack.fanOutQueue, eventsQueue]);
    const callsBefore = (await ses.proxyStats()).calls;
    let peakRss = process.memoryUsage.rss();
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 100);
    const profiler = options.profile ? await startCpuProfile() : undefined;
    const cpuBefore = process.cpuUsage();
    const emulatorsBefore = [await dynamodb.cpuMs(), await ses.cpuMs()];
    const started = performance.now();
    const response = await fetch(`${stack.urls.api}/api/issues/${SAMPLE_ISSUE_ID}/send`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.adminToken}` },
    });
    const { recipients } = (await response.json()) as { recipients: number };
    const apiMs = performance.now() - started;
    while ((await issues.get(SAMPLE_ISSUE_ID))?.status !== 'sent') await new Promise((r) => setTimeout(r, 100));
    const sendSeconds = (performance.now() - started) / 1000;
    const cpuSend = process.cpuUsage(cpuBefore);
    // SES events are ingested in the same run: wait until every email sent has its Delivery (or, for the sample's
    // mailbox simulator addresses, its Bounce) counted, polled as the events arrive, so the emulators are stopped
    // only once nothing more comes in.
    let total = await counters.readTotal(SAMPLE_ISSUE_ID);
    const deadline = performance.now() + INGEST_PATIENCE_MS;
    const outcomes = () => total.delivered + total.bounced + total.transientBounces;
    while (outcomes() < total.sent) {
      if (performance.now() > deadline) {
        throw new Error(`only ${outcomes()} of ${total.sent} Delivery and Bounce events ingested after the send`);
      }
      await new Promise((r) => setTimeout(r, 50));
      total = await counters.readTotal(SAMPLE_ISSUE_ID);
    }
    const ingestSeconds = (performance.now() - started) / 1000;
    const cpuAll = process.cpuUsage(cpuBefore);
    if (profiler) await profiler.stopInto(options.profile!);
    const emulatorsCpuMs = [(await dynamodb.cpuMs()) - emulatorsBefore[0]!, (await ses.cpuMs()) - emulatorsBefore[1]!];
    await stack.drained();
    clearInterval(sampler);
    const liveHeap = heapAfterFullGc();
    // Before the ceiling and the floor add their own records and emails.
    const emulatorRss: [number, number] = [await dynamodb.peakRss(), await ses.peakRss()];
    const proxy = await ses.proxyStats();
    const fanOut = queueMeter(stack.fanOutQueue);
    const send = queueMeter(stack.queue);
    const events = queueMeter(eventsQueue);
    const { lines, herald, ses: sesDollars } = costOf({ recipients, dynamo, fanOut, send, events, apiMs });
    const usage: string[][] = [...dynamo.operations]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, op]) => [
        `DynamoDB ${name}`,
        `${op.requests} requests, ${op.writeUnits + op.readUnits} ${op.writeUnits > 0 ? 'write' : 'read'} units` +
          (op.estimated > 0 ? ` (${op.estimated} estimated from item sizes)` : ''),
      ]);
    usage.push(
      [
        'DynamoDB index writes (estimated)',
        `${dynamo.indexWriteUnits} write units (deliveries' byMessageId index: puts with a message id, updates of what it holds)`,
      ],
      ['SES SendBulkEmail', `${proxy.calls - callsBefore} calls, ${recipients} emails`],
      ['queue fan-out', `${fanOut.messages} messages, ${fanOut.invocations} invocations`],
      [
        'queue send',
        `${send.messages} messages in ${send.sendRequests} SendMessageBatch, ${send.invocations} invocations`,
      ],
      ['queue SES events (via SNS)', `${events.messages} events, ${events.invocations} invocations`],
      [
        'handler time (wall, in-process)',
        `fan-out ${(fanOut.handlerMs / 1000).toFixed(1)} s, sender ${((send.handlerMs - events.roomWaitMs) / 1000).toFixed(1)} s ` +
          `(+${(events.roomWaitMs / 1000).toFixed(1)} s waiting for the events queue), ` +
          `SES events ${(events.handlerMs / 1000).toFixed(1)} s, send request ${(apiMs / 1000).toFixed(1)} s`,
      ],
    );
    const failedReasons = new Map<string, number>();
    if (total.failed > 0) {
      for await (const page of stack.services.deliveries.records(SAMPLE_ISSUE_ID)) {
        for (const r of page)
          if (r.status === 'failed') failedReasons.set(r.reason ?? '?', (failedReasons.get(r.reason ?? '?') ?? 0) + 1);
      }
    }
    let ceilingRate: number | undefined;
    let floor: SendRun['floor'];
    if (!options.quota) {
      const edition = (await issues.getEdition(SAMPLE_ISSUE_ID, stack.services.reference.sourceLanguage))!;
      ceilingRate = await ceiling(ses.direct, edition.html, edition.text, recipients, options.concurrency);
      floor = await deliveryFloor(stack, [dynamodb, ses], edition, recipients, options.concurrency);
    }
    return {
      recipients,
      outcome: `${total.sent} / ${total.failed} / ${total.skipped} / ${total.delivered} / ${total.bounced}`,
      sendSeconds,
      ingestSeconds,
      rate: recipients / sendSeconds,
      ingestedRate: recipients / ingestSeconds,
      cpuMsSend: cpuMsOf(cpuSend) / Math.max(1, recipients),
      cpuMsAll: cpuMsOf(cpuAll) / Math.max(1, recipients),
      emulatorsCpuMs: emulatorsCpuMs.map((ms) => ms / Math.max(1, recipients)) as [number, number],
      sesCalls: proxy.calls - callsBefore,
      throttled: proxy.throttled,
      peakRss,
      liveHeap,
      emulatorRss,
      failedReasons: [...failedReasons],
      ...(ceilingRate !== undefined && { ceiling: ceilingRate }),
      ...(floor && { floor }),
      usage,
      costs: lines,
      herald,
      ses: sesDollars,
      // Lambda gives a function one vCPU per 1,769 MB: below that, CPU-bound work is billed about 1.73 GB-s per
      // CPU-second whatever the memory. A lower bound, as it leaves out every wait on DynamoDB, SQS and SES.
      gbSecondsCpuBound: (((cpuMsOf(cpuAll) / 1000) * 1769) / 1024) * (100_000 / Math.max(1, recipients)),
    };
  } finally {
    // Only now: the send and its events are done (or the run failed), so nothing still talks to the emulators.
    await stack.stop();
    await Promise.all([ses.stop(), dynamodb.stop()]);
    process.env = previousEnv;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function benchSend(options: SendBenchOptions) {
  printLoad(options.runs);
  const runs = await repeatRuns(options.runs, () => sendRun(options));
  const pick = (f: (r: SendRun) => number) => runs.map(f);
  const distinct = (values: string[]) => [...new Set(values)].join('; ');
  const seconds = (n: number) => `${n.toFixed(1)} s`;
  const rows: string[][] = [
    ['recipients', distinct(runs.map((r) => String(r.recipients)))],
    ['sent / failed / skipped / delivered / bounced', distinct(runs.map((r) => r.outcome))],
    ['sent in', spreadOf(runs, (r) => r.sendSeconds, seconds)],
    ['all Delivery (and Bounce) events ingested after', spreadOf(runs, (r) => r.ingestSeconds, seconds)],
    ['recipients/s end to end', spreadOf(runs, (r) => r.rate, whole)],
    ['CPU per recipient (Herald process), send + ingest', spreadOf(runs, (r) => r.cpuMsAll, ms)],
    [
      'CPU per recipient (emulators: DynamoDB, SES + proxy)',
      `${spreadOf(runs, (r) => r.emulatorsCpuMs[0], ms)}, ${spreadOf(runs, (r) => r.emulatorsCpuMs[1], ms)}`,
    ],
    ['CPU per recipient, until status sent', spreadOf(runs, (r) => r.cpuMsSend, ms)],
    ['SES calls (throttled)', distinct(runs.map((r) => `${r.sesCalls} (${r.throttled})`))],
    ['peak RSS (Herald process), max over runs', megabytes(Math.max(...pick((r) => r.peakRss)))],
    ['heap in use after a full GC at the end of a run, max', megabytes(Math.max(...pick((r) => r.liveHeap)))],
    [
      'peak RSS (emulators: DynamoDB, SES + proxy), max',
      `${megabytes(Math.max(...pick((r) => r.emulatorRss[0])))}, ${megabytes(Math.max(...pick((r) => r.emulatorRss[1])))}`,
    ],
  ];
  for (const run of runs) for (const [reason, n] of run.failedReasons) rows.push(['failed because', `${n}: ${reason}`]);
  if (options.quota) {
    const rate = median(pick((r) => r.rate));
    rows.push(
      ['emulated quota', `${options.quota}/s`],
      ['share of the quota (median)', `${((rate / options.quota) * 100).toFixed(0)}%`],
    );
  } else {
    rows.push(
      [
        'ceiling (ready-made calls)',
        spreadOf(
          runs,
          (r) => r.ceiling ?? NaN,
          (n) => `${whole(n)} recipients/s`,
        ),
      ],
      [
        'floor: an exactly-once send, ready-made calls, same emulators',
        spreadOf(
          runs,
          (r) => r.floor?.rate ?? NaN,
          (n) => `${whole(n)} recipients/s`,
        ),
      ],
      [
        'floor: CPU per recipient (this process; DynamoDB, SES + proxy)',
        [0, 1, 2].map((k) => spreadOf(runs, (r) => r.floor?.cpuMs[k] ?? NaN, ms)).join('; '),
      ],
      [
        'sent and ingested / floor (the floor marks each Delivery too)',
        spreadOf(
          runs,
          (r) => r.ingestedRate / (r.floor?.rate ?? NaN),
          (n) => n.toFixed(2),
        ),
      ],
      [
        'end to end / ceiling',
        spreadOf(
          runs,
          (r) => r.rate / (r.ceiling ?? NaN),
          (n) => n.toFixed(2),
        ),
      ],
    );
  }
  const table = (cells: string[][]) =>
    formatTable(
      cells.map(([figure, value]) => ({ figure: figure!, value: value! })),
      ['figure', 'value'],
    );
  process.stdout.write(`${table(rows)}\n`);
  const last = runs.at(-1)!;
  process.stdout.write(`\nRequests of the send (last run), per service:\n${table(last.usage)}\n`);

  // Each line's median over the runs; the counts hardly vary, the measured handler time does.
  const costRows = last.costs.map((line, i) => {
    const count = median(runs.map((r) => r.costs[i]!.count));
    const cost = median(runs.map((r) => r.costs[i]!.dollars));
    return { service: line.service, 'per 100,000 emails': line.usage, count: whole(count), US$: dollars(cost) };
  });
  const herald = median(pick((r) => r.herald));
  const sesDollars = last.ses;
  costRows.push(
    { service: 'Herald', 'per 100,000 emails': 'total of the lines above', count: '', US$: dollars(herald) },
    { service: 'SES', 'per 100,000 emails': 'emails (its own price)', count: whole(100_000), US$: dollars(sesDollars) },
  );
  process.stdout.write(
    `\nAWS cost of 100,000 emails, on-demand list prices of ${PRICES.region} read ${PRICES.read} (bench/cost.ts), ` +
      `scaled from ${last.recipients} recipients:\n` +
      `${formatTable(costRows, ['service', 'per 100,000 emails', 'count', 'US$'])}\n`,
  );
  const share = (herald / sesDollars) * 100;
  const cpuBound = median(pick((r) => r.gbSecondsCpuBound));
  process.stdout.write(
    `Herald's share: ${share.toFixed(1)}% of SES's price (goal: at most 5%): ${share <= 5 ? 'met' : 'missed'}.\n` +
      `Lambda GB-seconds are the handlers' wall time in this process (concurrent invocations sharing ${
        cpus().length
      } CPUs, emulators on the same machine); the Herald process's CPU time gives a lower bound of ` +
      `${cpuBound.toFixed(1)} GB-s (${dollars(cpuBound * PRICES.lambdaArmGbSecond)}) at Lambda's 1 vCPU per 1,769 MB. ` +
      `DynamoDB units are dynalite's (table writes and reads; index writes and Query units estimated). Not counted: ` +
      `KMS requests of the encrypted SES events topic, the event sources' empty receives between sends, logs.\n`,
  );
}
