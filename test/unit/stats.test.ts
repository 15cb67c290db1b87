import { describe, expect, it } from 'vitest';
import { ForbiddenError, NotFoundError, ValidationError } from '../../functions/domain/errors.ts';
import { countIncrements } from '../../functions/domain/progress.ts';
import { issueStats, resolveRegion, statsRow } from '../../functions/domain/stats.ts';
import { toCsv } from '../../functions/domain/report-csv.ts';
import { fakeIssueStore, fakeSendCounters } from './fakes.ts';
import { secon } from '../support/profile.ts';

async function setup() {
  const issues = fakeIssueStore();
  const counters = fakeSendCounters();
  await issues.put({ id: 'issue-1', title: 'One', status: 'sent', createdAt: '' } as never);
  await counters.add('issue-1', countIncrements('BG', 'bg', ['Haskovo', 'Haskovo', 'other'], 'delivered'));
  await counters.add('issue-1', countIncrements('BG', 'en', ['Haskovo'], 'delivered'));
  // Everyone consented but the one in BG/other.
  await counters.add('issue-1', countIncrements('BG', 'bg', ['Haskovo', 'Haskovo'], 'measured'));
  await counters.add('issue-1', countIncrements('BG', 'en', ['Haskovo'], 'measured'));
  await counters.add('issue-1', countIncrements('BG', 'bg', ['Haskovo'], 'uniqueOpens'));
  return { issues, counters, reference: secon };
}

describe('stats', () => {
  it('gives a coordinator their region per language, and refuses another region', async () => {
    const deps = await setup();
    const scope = { region: 'BG/Haskovo' };
    const byLanguage = await issueStats(deps, 'issue-1', { by: 'language' }, scope);
    expect(byLanguage.rows.map((r) => [r.key, r.delivered, r.openRate])).toEqual([
      ['bg', 2, 0.5],
      ['en', 1, 0],
    ]);
    expect(byLanguage.total).toMatchObject({ delivered: 3, uniqueOpens: 1, openRate: 0.3333 });
    await expect(issueStats(deps, 'issue-1', { by: 'region', region: 'BG/other' }, scope)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });

  it('says how many recipients were measured and computes the rates among them only', async () => {
    const deps = await setup();
    const { rows, total } = await issueStats(deps, 'issue-1', { by: 'region' }, { all: true });
    expect(total).toMatchObject({ delivered: 4, measured: 3, uniqueOpens: 1, openRate: 0.3333 });
    expect(rows.map((r) => [r.key, r.measured, r.openRate])).toEqual([
      ['BG/Haskovo', 3, 0.3333],
      ['BG/other', 0, null],
    ]);
  });

  it('names what is wrong: the grouping, the region, the issue', async () => {
    const deps = await setup();
    const all = { all: true } as const;
    await expect(issueStats(deps, 'issue-1', { by: 'city' }, all)).rejects.toMatchObject({ field: 'by' });
    await expect(issueStats(deps, 'issue-1', { region: 'Atlantis' }, all)).rejects.toBeInstanceOf(ValidationError);
    await expect(issueStats(deps, 'issue-2', {}, all)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('resolves a partner region by name, but "other" only with its country', () => {
    expect(resolveRegion(secon, 'Haskovo')).toBe('BG/Haskovo');
    expect(resolveRegion(secon, 'PT/Oliveira de Azeméis')).toBe('PT/Oliveira de Azeméis');
    expect(resolveRegion(secon, 'other')).toBeUndefined();
    expect(resolveRegion(secon, 'GR/other')).toBe('GR/other');
  });

  it('has no rate where nothing was delivered or measured, and quotes CSV cells that need it', () => {
    expect(statsRow('x', { sent: 2 } as never)).toMatchObject({ deliveryRate: 0, openRate: null, clickRate: null });
    expect(toCsv([{ key: 'a, "b"', n: 1, rate: null }], ['key', 'n', 'rate'])).toBe('key,n,rate\r\n"a, ""b""",1,\r\n');
  });
});
