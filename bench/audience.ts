// `npm run bench -- audience [--subscribers 100000] [--requests 50]`: fills the embedded stack (in this process, in a
// temporary folder) with confirmed subscribers who chose topics, a few unsubscribed and pending, then prints the
// median time of GET /api/issues/{id}/audience for everyone and for a selection of countries and topics, at 1,000
// subscribers and at the full count. The issue's target: under 200 ms at 100,000 (counted from the tallies, no scan).
// It prints the load average first; each time is measured `--runs` times (3 unless given): the median, min-max.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedStack, type EmbeddedStack } from '../local/stack.ts';
import { generateSubscribers } from '../local/generate-subscribers.ts';
import { formatTable } from '../local/table.ts';
import { medianCell, numberOption, printLoad, repeatRuns, runsOption, median } from './common.ts';
import type { AudienceSelection } from '../functions/domain/audience.ts';
import type { SubscriberRecord } from '../functions/domain/subscribers.ts';

const ISSUE_ID = 'bench-audience';

export interface AudienceBenchOptions {
  subscribers: number;
  requests: number;
  runs: number;
}

export const audienceOptions = (args: string[]): AudienceBenchOptions => ({
  subscribers: numberOption(args, 'subscribers', 100_000),
  requests: numberOption(args, 'requests', 50),
  runs: runsOption(args),
});

async function audienceTime(stack: EmbeddedStack, selection: AudienceSelection, requests: number) {
  const issue = (await stack.services.issues.get(ISSUE_ID))!;
  await stack.services.issues.replaceDraft({ ...issue, audience: selection }, issue.version ?? 0);
  const url = `${stack.urls.api}/api/issues/${ISSUE_ID}/audience`;
  const headers = { authorization: `Bearer ${stack.adminToken}` };
  for (let i = 0; i < 3; i++) await (await fetch(url, { headers })).arrayBuffer(); // warm-up
  const times: number[] = [];
  let total = 0;
  for (let i = 0; i < requests; i++) {
    const started = performance.now();
    const response = await fetch(url, { headers });
    total = ((await response.json()) as { total: number }).total;
    times.push(performance.now() - started);
    if (response.status !== 200) throw new Error(`audience answered ${response.status}`);
  }
  return { ms: median(times), total };
}

export async function benchAudience(options: AudienceBenchOptions = audienceOptions(process.argv.slice(2))) {
  printLoad(options.runs);
  process.env.LOG_LEVEL ??= 'silent';
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-bench-audience-'));
  const stack = await startEmbeddedStack({ dataDir, port: 0, sesPort: 0, dynamoPort: 0 });
  try {
    const { reference } = stack.services;
    await stack.services.issues.put({
      id: ISSUE_ID,
      title: 'Audience benchmark',
      subject: { en: 'Audience benchmark' },
      intro: { en: 'Benchmark' },
      sections: [],
      status: 'draft',
      createdAt: new Date().toISOString(),
    });
    // Topic sets from the subscriber's number (every combination of the profile's topics), 1 in 20 unsubscribed and
    // 1 in 25 pending.
    const shape = (s: SubscriberRecord, i: number): SubscriberRecord => ({
      ...s,
      topics: reference.topics.filter((_, bit) => (i >> bit) & 1),
      ...(i % 20 === 7 && { status: 'unsubscribed' as const }),
      ...(i % 25 === 3 && { status: 'pending' as const }),
    });
    const selection: AudienceSelection = {
      countries: reference.countryCodes.slice(0, 3),
      topics: reference.topics.slice(0, 2),
    };
    const rows: Record<string, string | number>[] = [];
    let filled = 0;
    for (const size of [...new Set([Math.min(1_000, options.subscribers), options.subscribers])]) {
      const started = performance.now();
      await generateSubscribers(
        reference,
        stack.clients.dynamo,
        stack.services.config.tables.subscribers!,
        size - filled,
        {
          tallies: stack.services.tallies,
          domain: `from${filled}.example`,
          shape: (s, i) => shape(s, i + filled),
        },
      );
      console.log(`added ${size - filled} subscribers in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      filled = size;
      const runs = await repeatRuns(options.runs, async () => ({
        all: await audienceTime(stack, {}, options.requests),
        some: await audienceTime(stack, selection, options.requests),
      }));
      rows.push({
        subscribers: size,
        'everyone (ms)': medianCell(runs.map((r) => r.all.ms)),
        reached: runs[0]!.all.total,
        'selection (ms)': medianCell(runs.map((r) => r.some.ms)),
        'selection reached': runs[0]!.some.total,
      });
    }
    console.log(
      `\nMedian time of GET /api/issues/{id}/audience (${options.requests} requests each, one client, ${cpus().length} cores;` +
        ` median of ${options.runs} runs, min-max in brackets;` +
        ` selection: countries ${selection.countries!.join(', ')}, topics ${selection.topics!.join(', ')}):\n`,
    );
    console.log(formatTable(rows, ['subscribers', 'everyone (ms)', 'reached', 'selection (ms)', 'selection reached']));
    console.log('Target: under 200 ms at 100,000 subscribers.');
  } finally {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
