// `npm run bench -- send [--subscribers 20000] [--quota 200]`: sends the sample issue to N generated confirmed
// subscribers (in every country and language of the profile) through the embedded pipeline (fan-out, queue, senders, pacer, SES
// emulator) and prints recipients/s end to end, SES calls, peak RSS of the Herald process (the emulators run in
// processes of their own, their peak RSS printed beside it), and this machine's ceiling: the same number of
// ready-made SendBulkEmail calls straight to the emulator. With --quota the emulated SES accepts that many emails
// a second (and GetAccount says so): it prints the sustained rate as a share of it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendBulkEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { startEmbeddedStack } from '../local/stack.ts';
import { startSesFaultProxy } from '../local/ses-fault-proxy.ts';
import { generateSubscribers } from '../local/generate-subscribers.ts';
import { formatTable } from '../local/table.ts';
import { numberOption, startEmulatorChild } from './common.ts';

export interface SendBenchOptions {
  subscribers: number;
  quota: number | undefined;
  concurrency: number;
}

export function sendOptions(args: string[]): SendBenchOptions {
  const quota = numberOption(args, 'quota', 0);
  return {
    subscribers: numberOption(args, 'subscribers', 20_000),
    quota: quota > 0 ? quota : undefined,
    concurrency: numberOption(args, 'concurrency', 8),
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
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < calls) await client.send(command(next++));
    }),
  );
  return (calls * 50) / ((performance.now() - started) / 1000);
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

export async function benchSend(options: SendBenchOptions) {
  // The emulators run in processes of their own: their stores are not Herald's memory (in AWS they are SES and
  // DynamoDB), and the peak RSS printed is the Herald process's, with theirs beside it.
  const ses = await startEmulatorChild('ses');
  const dynamodb = await startEmulatorChild('dynamodb');
  const proxy = await startSesFaultProxy({ target: ses.url, quotaPerSecond: options.quota });
  const previousEnv = { ...process.env };
  process.env.AWS_ENDPOINT_URL_SES = proxy.url;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamodb.url;
  process.env.LOG_LEVEL ??= 'silent';
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-bench-send-'));
  const stack = await startEmbeddedStack({
    dataDir,
    port: 0,
    sesPort: 0,
    dynamoPort: 0,
    adminToken: 'bench-token-0123456789abcdef',
    sendConcurrency: options.concurrency,
  });
  const SAMPLE_ISSUE_ID = stack.sample?.issueId;
  try {
    if (!SAMPLE_ISSUE_ID) throw new Error('The send benchmark needs a profile with a sample issue');
    process.stdout.write(`generating ${options.subscribers} confirmed subscribers...\n`);
    await generateSubscribers(
      stack.services.reference,
      stack.clients.dynamo,
      stack.services.config.tables.subscribers!,
      options.subscribers,
      { tallies: stack.services.tallies },
    );
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
    const started = performance.now();
    const response = await fetch(`${stack.urls.api}/api/issues/${SAMPLE_ISSUE_ID}/send`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.adminToken}` },
    });
    const { recipients } = (await response.json()) as { recipients: number };
    const { issues, counters } = stack.services;
    while ((await issues.get(SAMPLE_ISSUE_ID))?.status !== 'sent') await new Promise((r) => setTimeout(r, 100));
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const total = await counters.readTotal(SAMPLE_ISSUE_ID);
    const rate = recipients / seconds;
    const rows: string[][] = [
      ['recipients', String(recipients)],
      ['sent / failed / skipped', `${total.sent} / ${total.failed} / ${total.skipped}`],
      ['time', `${seconds.toFixed(1)} s`],
      ['recipients/s end to end', rate.toFixed(0)],
      ['SES calls (throttled)', `${proxy.stats.calls} (${proxy.stats.throttled})`],
      ['peak RSS (Herald process)', megabytes(peakRss)],
      [
        'peak RSS (emulators: DynamoDB, SES)',
        `${megabytes(await dynamodb.peakRss())}, ${megabytes(await ses.peakRss())}`,
      ],
    ];
    if (total.failed > 0) {
      const reasons = new Map<string, number>();
      for await (const page of stack.services.deliveries.records(SAMPLE_ISSUE_ID)) {
        for (const r of page)
          if (r.status === 'failed') reasons.set(r.reason ?? '?', (reasons.get(r.reason ?? '?') ?? 0) + 1);
      }
      for (const [reason, n] of reasons) rows.push(['failed because', `${n}: ${reason}`]);
    }
    if (options.quota) {
      rows.push(
        ['emulated quota', `${options.quota}/s`],
        ['share of the quota', `${((rate / options.quota) * 100).toFixed(0)}%`],
      );
    } else {
      const edition = (await issues.getEdition(SAMPLE_ISSUE_ID, stack.services.reference.sourceLanguage))!;
      const top = await ceiling(ses.url, edition.html, edition.text, recipients, options.concurrency);
      rows.push(
        ['ceiling (ready-made calls)', `${top.toFixed(0)} recipients/s`],
        ['end to end / ceiling', (rate / top).toFixed(2)],
      );
    }
    process.stdout.write(
      `${formatTable(
        rows.map(([figure, value]) => ({ figure: figure!, value: value! })),
        ['figure', 'value'],
      )}\n`,
    );
  } finally {
    await stack.stop();
    await proxy.close();
    ses.stop();
    dynamodb.stop();
    process.env = previousEnv;
    rmSync(dataDir, { recursive: true, force: true });
  }
}
