// The dissemination report's arithmetic from counters, sketches and growth counters: a person counts once across
// issues, sums and rates per group and in total, scoping to a coordinator's region, and the CSV variants.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { growthOfChange } from '../../functions/domain/growth.ts';
import { SketchTally } from '../../functions/domain/people.ts';
import { countIncrements } from '../../functions/domain/progress.ts';
import { disseminationReport } from '../../functions/domain/report.ts';
import { BYTE_ORDER_MARK, reportCsv, statsCsv } from '../../functions/domain/report-csv.ts';
import type { ReportText } from '../../functions/domain/report-text.ts';
import { issueStats } from '../../functions/domain/stats.ts';
import { fakeGrowthCounters, fakeIssueStore, fakePeopleSketches, fakeSendCounters } from './fakes.ts';
import { secon } from '../support/profile.ts';

const text = (language: string): ReportText =>
  JSON.parse(readFileSync(new URL(`../../locales/${language}/report.json`, import.meta.url), 'utf8'));

/**
 * Sends an issue to people of (country, language, region), measured unless `measured` is false, `opened` of them
 * opening it: counters and sketches.
 */
async function sent(
  deps: Awaited<ReturnType<typeof setup>>,
  issueId: string,
  sentAt: string,
  people: { id: string; country: string; language: string; region: string; opened?: boolean; measured?: boolean }[],
) {
  const counters = fakeSendCounters();
  const tally = new SketchTally();
  for (const { measured = true, ...p } of people) {
    const record = { ...p, issueId, subscriberId: p.id, status: 'sent' as const, claimedAt: sentAt, tracked: measured };
    tally.addRecord({ ...record, ...(p.opened && { openedAt: sentAt }) });
    await counters.add(issueId, countIncrements(p.country, p.language, [p.region], 'sent'));
    if (measured) await counters.add(issueId, countIncrements(p.country, p.language, [p.region], 'measured'));
    await counters.add(issueId, countIncrements(p.country, p.language, [p.region], 'delivered'));
    if (p.opened) await counters.add(issueId, countIncrements(p.country, p.language, [p.region], 'uniqueOpens'));
  }
  deps.perIssue.set(issueId, counters);
  await deps.sketches.merge(issueId, tally.all());
  await deps.issues.put({ id: issueId, title: `Issue ${issueId}`, status: 'sent', createdAt: sentAt, sentAt } as never);
}

async function setup() {
  const perIssue = new Map<string, ReturnType<typeof fakeSendCounters>>();
  return {
    perIssue,
    issues: fakeIssueStore(),
    sketches: fakePeopleSketches(),
    growth: fakeGrowthCounters(),
    counters: {
      ofDimension: (issueId: string, dimension: never, prefix?: string) =>
        perIssue.get(issueId)!.ofDimension(issueId, dimension, prefix),
    },
    reference: secon,
    reportText: text,
  };
}

const haskovo = (n: number, extra: object = {}) =>
  Array.from({ length: n }, (_, i) => ({ id: `bg-${i}`, country: 'BG', language: 'bg', region: 'Haskovo', ...extra }));
const thessaly = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ id: `gr-${i}`, country: 'GR', language: 'el', region: 'other' }));

describe('dissemination report', () => {
  it('says how many people were measured and computes the rates among them only', async () => {
    const deps = await setup();
    const unmeasured = haskovo(4, { measured: false }).map((p, i) => ({ ...p, id: `bg-not-${i}` }));
    await sent(deps, 'may', '2026-05-04T08:00:00Z', [
      ...haskovo(4).map((p, i) => ({ ...p, opened: i === 0 })),
      ...unmeasured,
    ]);
    await sent(deps, 'june', '2026-06-01T08:00:00Z', unmeasured);
    const report = await disseminationReport(deps, { from: '2026-05-01', to: '2026-06-30' }, { all: true });
    const row = report.rows.find((r) => r.key === 'BG/Haskovo')!;
    expect(row).toMatchObject({ peopleReached: 8, peopleMeasured: 4, openers: 1, openRate: 0.25 });
    expect(report.rows.find((r) => r.key === 'PT/Oliveira de Azeméis')).toMatchObject({
      peopleMeasured: 0,
      openRate: null,
    });
  });

  it('counts a person reached by several issues once, and sums what is per email', async () => {
    const deps = await setup();
    await sent(deps, 'may', '2026-05-04T08:00:00Z', [...haskovo(6), ...thessaly(3)]);
    await sent(deps, 'june', '2026-06-01T08:00:00Z', [...haskovo(6).slice(0, 4), ...haskovo(2, { opened: true })]);
    await sent(deps, 'later', '2026-08-01T08:00:00Z', haskovo(9));
    const report = await disseminationReport(deps, { from: '2026-05-01', to: '2026-06-30' }, { all: true });
    expect(report.issues.map((i) => i.id)).toEqual(['may', 'june']);
    const row = report.rows.find((r) => r.key === 'BG/Haskovo')!;
    expect(row).toMatchObject({ name: 'Haskovo', issuesSent: 2, peopleReached: 6, delivered: 12, openers: 2 });
    expect(row.openRate).toBe(0.3333);
    expect(report.rows.find((r) => r.key === 'GR/other')).toMatchObject({ name: 'Other region in Greece' });
    // Every partner region has its row, reached or not.
    expect(report.rows.find((r) => r.key === 'PT/Oliveira de Azeméis')).toMatchObject({ peopleReached: 0 });
    expect(report.total).toMatchObject({ name: 'Total', issuesSent: 2, peopleReached: 9, delivered: 15, openers: 2 });
    expect(report.total.clickRate).toBe(0);
    const byLanguage = await disseminationReport(
      deps,
      { from: '2026-05-01', to: '2026-06-30', by: 'language', lang: 'de' },
      { all: true },
    );
    expect(byLanguage.rows.find((r) => r.key === 'el')).toMatchObject({ name: 'Griechisch', peopleReached: 3 });
  });

  it('adds the growth of the period: signups and unsubscribes in it, subscribers at its end', async () => {
    const deps = await setup();
    const person = { status: 'confirmed', country: 'BG', language: 'bg', region: 'Haskovo' };
    await deps.growth.add(growthOfChange(undefined, person, new Date('2026-04-20T10:00:00Z')));
    await deps.growth.add(growthOfChange(undefined, person, new Date('2026-05-02T10:00:00Z')));
    await deps.growth.add(growthOfChange(person, { ...person, status: 'unsubscribed' }, new Date('2026-05-09T10:00Z')));
    await deps.growth.add(growthOfChange(undefined, person, new Date('2026-07-02T10:00:00Z')));
    const report = await disseminationReport(deps, { from: '2026-05-01', to: '2026-06-30' }, { all: true });
    expect(report.rows.find((r) => r.key === 'BG/Haskovo')).toMatchObject({
      newConfirmed: 1,
      unsubscribes: 1,
      subscribersAtEnd: 1,
      peopleReached: 0,
      openRate: null,
    });
    expect(report.total).toMatchObject({ newConfirmed: 1, unsubscribes: 1, subscribersAtEnd: 1 });
  });

  it('gives a coordinator their own region and refuses another with 403', async () => {
    const deps = await setup();
    await sent(deps, 'may', '2026-05-04T08:00:00Z', [...haskovo(4), ...thessaly(3)]);
    const scope = { region: 'BG/Haskovo' };
    const own = await disseminationReport(deps, { from: '2026-05-01', to: '2026-05-31' }, scope);
    expect(own.region).toBe('BG/Haskovo');
    expect(own.rows.map((r) => [r.key, r.peopleReached])).toEqual([['BG/Haskovo', 4]]);
    expect(own.total.peopleReached).toBe(4);
    const perLanguage = await disseminationReport(
      deps,
      { from: '2026-05-01', to: '2026-05-31', by: 'language' },
      scope,
    );
    expect(perLanguage.rows.map((r) => [r.key, r.peopleReached])).toEqual([['bg', 4]]);
    await expect(
      disseminationReport(deps, { from: '2026-05-01', to: '2026-05-31', region: 'GR/other' }, scope),
    ).rejects.toMatchObject({ status: 403 });
  });

  it('names the field at fault in a bad period or grouping', async () => {
    const deps = await setup();
    const all = { all: true } as const;
    await expect(disseminationReport(deps, { to: '2026-05-31' }, all)).rejects.toMatchObject({
      details: { field: 'from' },
    });
    await expect(disseminationReport(deps, { from: '2026-06-01', to: '2026-05-31' }, all)).rejects.toMatchObject({
      details: { field: 'to' },
    });
    await expect(
      disseminationReport(deps, { from: '2026-05-01', to: '2026-05-31', by: 'city' }, all),
    ).rejects.toMatchObject({ details: { field: 'by' } });
  });

  it('writes CSV for people with a byte-order mark, headers in their language and percentages, and raw CSV for scripts', async () => {
    const deps = await setup();
    await sent(deps, 'may', '2026-05-04T08:00:00Z', [...haskovo(6), ...haskovo(2, { opened: true })]);
    const report = await disseminationReport(deps, { from: '2026-05-01', to: '2026-05-31', lang: 'de' }, { all: true });
    const human = reportCsv(report, 'human', text('de'));
    expect(human.startsWith(BYTE_ORDER_MARK)).toBe(true);
    const lines = human.slice(1).trim().split('\r\n');
    expect(lines[0]).toMatch(/^Region,Versendete Ausgaben,Erreichte Personen,/);
    const haskovoName = report.rows.find((r) => r.key === 'BG/Haskovo')!.name;
    expect(lines.find((l) => l.startsWith(`${haskovoName},`))).toContain(',33.3 %,0.0 %,');
    expect(lines.find((l) => l.startsWith('Oliveira de Azeméis,'))).toBeDefined();
    expect(lines.at(-1)).toMatch(/^Insgesamt,1,6,8,2,/);
    const raw = reportCsv(report, 'raw', text('de'));
    expect(raw.startsWith(BYTE_ORDER_MARK)).toBe(false);
    expect(raw.split('\r\n')[0]).toBe(
      'key,name,issuesSent,peopleReached,delivered,openers,clickers,peopleMeasured,openRate,clickRate,newConfirmed,unsubscribes,subscribersAtEnd,machineOpens,botClicks',
    );
    expect(raw).toContain(`\r\nBG/Haskovo,${haskovoName},1,6,8,2,0,6,0.3333,0,`);
  });

  it("writes an issue's stats as CSV for people, groups by name, and keeps the raw variant", async () => {
    const deps = await setup();
    await sent(deps, 'may', '2026-05-04T08:00:00Z', [...haskovo(3), ...haskovo(1, { opened: true })]);
    const counters = deps.perIssue.get('may')!;
    const stats = await issueStats({ ...deps, counters }, 'may', { by: 'language' }, { all: true });
    const human = statsCsv(stats, 'human', { reference: secon, language: 'bg', text: text('bg') });
    const lines = human.slice(1).trim().split('\r\n');
    expect(human.startsWith(BYTE_ORDER_MARK)).toBe(true);
    expect(lines[1]).toMatch(/^български,/);
    expect(lines[1]).toContain('25.0 %');
    expect(statsCsv(stats, 'raw', { reference: secon, language: 'bg', text: text('bg') })).toMatch(
      /^key,recipients,sent,measured,failed,/,
    );
  });
});
