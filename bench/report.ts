// `npm run bench -- report [--recipients 100000] [--requests 20]`: a period of 12 issues sent to `recipients` people
// each (overlapping audiences), seeded straight into the counters and people sketches as the sends and the end
// check would leave them, and a year of growth counters per region; then the median time of the dissemination report
// and of the growth series by region, at 1,000 recipients and at the full count. The issue's target: each under
// 200 ms, the same at both sizes (the cost grows with issues, segments and days, never with recipients). It prints
// the load average first; each time is measured `--runs` times (3 unless given): the median of the runs, min-max.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedStack, type EmbeddedStack } from '../local/stack.ts';
import { formatTable } from '../local/table.ts';
import { loadLine, medianCell, numberOption, printLoad, repeatRuns, runsOption, median } from './common.ts';
import { SketchTally } from '../functions/domain/people.ts';
import { countIncrements, mergeIncrements } from '../functions/domain/progress.ts';
import type { Increment } from '../functions/domain/ports.ts';
import type { GrowthIncrement } from '../functions/domain/growth.ts';

const ISSUES = 12;

export interface ReportBenchOptions {
  recipients: number;
  requests: number;
  runs: number;
}

export const reportOptions = (args: string[]): ReportBenchOptions => ({
  recipients: numberOption(args, 'recipients', 100_000),
  requests: numberOption(args, 'requests', 20),
  runs: runsOption(args),
});

/** The n-th person of the pool: every country, language and region in turn. */
function person(stack: EmbeddedStack, n: number) {
  const { countryCodes, languages } = stack.services.reference;
  const country = countryCodes[n % countryCodes.length]!;
  const regions = stack.services.reference.regionsOf(country);
  return {
    subscriberId: `bench-person-${n}`,
    country,
    language: languages[Math.floor(n / countryCodes.length) % languages.length]!,
    region: regions[Math.floor(n / 7) % regions.length]!,
  };
}

/** One issue as its send and end check leave it: counters per segment and the people sketches. */
async function seedIssue(stack: EmbeddedStack, id: string, sentAt: string, recipients: number, offset: number) {
  const { services } = stack;
  await services.issues.put({
    id,
    title: `Report benchmark ${id}`,
    subject: { en: id },
    intro: { en: 'Benchmark' },
    sections: [],
    status: 'sent',
    createdAt: sentAt,
    sentAt,
    reconciledAt: sentAt,
  });
  const groups = new Map<string, { country: string; language: string; regions: Record<string, string[]> }>();
  const tally = new SketchTally();
  for (let i = 0; i < recipients; i++) {
    const n = offset + i;
    const p = person(stack, n);
    // A third open, one in twenty clicks, one in ten is fetched by a machine.
    const opened = n % 3 === 0;
    const clicked = n % 20 === 0;
    tally.add(p, [
      'recipients',
      ...(opened ? (['openers'] as const) : []),
      ...(clicked ? (['clickers'] as const) : []),
    ]);
    const key = `${p.country}/${p.language}`;
    const group = groups.get(key) ?? { country: p.country, language: p.language, regions: {} };
    groups.set(key, group);
    for (const [name, counted] of [
      ['recipients', true],
      ['sent', true],
      ['delivered', n % 50 !== 0],
      ['uniqueOpens', opened],
      ['uniqueClicks', clicked],
      ['machineOpens', n % 10 === 1],
    ] as const) {
      if (counted) (group.regions[name] ??= []).push(p.region);
    }
  }
  const increments: Increment[] = [];
  for (const g of groups.values()) {
    for (const [name, regions] of Object.entries(g.regions)) {
      increments.push(...countIncrements(g.country, g.language, regions, name as never));
    }
  }
  await services.counters.add(id, mergeIncrements(increments));
  await services.sketches.merge(id, tally.all());
}

/** A year of growth per region before `end`: signups and unsubscribes every day, in proportion to `audience`. */
async function seedGrowth(stack: EmbeddedStack, end: string, audience: number) {
  const regions = stack.services.reference.countryCodes.flatMap((c) =>
    stack.services.reference.regionsOf(c).map((r) => `${c}/${r}`),
  );
  const perDay = Math.max(1, Math.round(audience / 365 / regions.length));
  const increments: GrowthIncrement[] = [];
  for (let d = 0; d < 365; d++) {
    const day = new Date(Date.parse(end) - d * 86_400_000).toISOString().slice(0, 10);
    for (const key of regions) {
      const unsubscribes = d % 4 === 0 ? 1 : 0;
      increments.push({
        dimension: 'region',
        key,
        day,
        counts: { signups: perDay, unsubscribes, net: perDay - unsubscribes },
      });
    }
  }
  for (let i = 0; i < increments.length; i += 200) await stack.services.growth.add(increments.slice(i, i + 200));
}

async function timed(stack: EmbeddedStack, path: string, requests: number) {
  const headers = { authorization: `Bearer ${stack.adminToken}` };
  const once = async () => {
    const started = performance.now();
    const response = await fetch(`${stack.urls.api}${path}`, { headers });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
    return performance.now() - started;
  };
  for (let i = 0; i < 3; i++) await once(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < requests; i++) times.push(await once());
  return median(times);
}

export async function benchReport(options: ReportBenchOptions = reportOptions(process.argv.slice(2))) {
  printLoad(options.runs);
  process.env.LOG_LEVEL ??= 'silent';
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-bench-report-'));
  const stack = await startEmbeddedStack({ dataDir, port: 0, sesPort: 0, dynamoPort: 0 });
  try {
    const rows: Record<string, string | number>[] = [];
    const sizes = [...new Set([Math.min(1_000, options.recipients), options.recipients])];
    // Both half-years' growth first, so each growth series reads the same months.
    for (const [s, size] of sizes.entries()) await seedGrowth(stack, `${2030 + s}-06-30`, size);
    for (const [s, size] of sizes.entries()) {
      // Each size has a half-year of its own, so the reports do not mix.
      const year = 2030 + s;
      const from = `${year}-01-01`;
      const to = `${year}-06-30`;
      const started = performance.now();
      for (let i = 0; i < ISSUES; i++) {
        const sentAt = `${year}-${String(1 + Math.floor(i / 2)).padStart(2, '0')}-${i % 2 === 0 ? '05' : '20'}T08:00:00.000Z`;
        // Audiences overlap: each issue reaches the pool shifted by a 60th of it.
        await seedIssue(stack, `bench-report-${size}-${i}`, sentAt, size, Math.floor((i * size) / 60));
      }
      console.log(
        `seeded ${ISSUES} issues of ${size} recipients in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      const times = await repeatRuns(options.runs, async () => ({
        region: await timed(stack, `/api/reports/dissemination?from=${from}&to=${to}&by=region`, options.requests),
        language: await timed(stack, `/api/reports/dissemination?from=${from}&to=${to}&by=language`, options.requests),
        growth: await timed(stack, `/api/stats/growth?from=${from}&to=${to}&by=region`, options.requests),
      }));
      const body = (await (
        await fetch(`${stack.urls.api}/api/reports/dissemination?from=${from}&to=${to}`, {
          headers: { authorization: `Bearer ${stack.adminToken}` },
        })
      ).json()) as { total: { peopleReached: number } };
      rows.push({
        'recipients per issue': size,
        'people reached (est.)': body.total.peopleReached,
        'people (exact)': size + Math.floor(((ISSUES - 1) * size) / 60),
        'report by region (ms)': medianCell(times.map((t) => t.region)),
        'report by language (ms)': medianCell(times.map((t) => t.language)),
        'growth by region (ms)': medianCell(times.map((t) => t.growth)),
      });
    }
    console.log(
      `\nMedian times (${options.requests} requests each after 3 warm-up, one client, ${cpus().length} cores; median ` +
        `of ${options.runs} runs, min-max in brackets; ${loadLine()} after):\n`,
    );
    console.log(formatTable(rows, Object.keys(rows[0]!)));
    console.log('Target: under 200 ms each, the same at both sizes.');
  } finally {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
