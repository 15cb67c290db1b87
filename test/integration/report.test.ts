// The dissemination report and the growth series on the embedded stack: two issues to overlapping audiences, opens
// and clicks, then people reached count each person once, the figures agree with each issue's stats, the CSV and PDF
// carry the JSON's figures, and signups, confirmations and unsubscribes show in the growth per day.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sentEmails, startTestStack, type StoredEmail, type TestStack } from '../support/embedded-stack.ts';
import { SAMPLE_ISSUE_ID } from '../support/profile.ts';
import subscribers from '../../local/sample/secon/subscribers.json' with { type: 'json' };
import type { DisseminationReport, ReportRow } from '../../functions/domain/report.ts';
import type { GrowthSeries } from '../../functions/domain/growth.ts';
import { FUNDING_STATEMENTS } from '../../contracts/eu-funding.ts';
import { runReportCommand } from '../../local/report-command.ts';
import { pdfText } from '../support/pdf-text.ts';
import { until } from '../support/until.ts';

const TOKEN = 'report-token-0123456789abcdef';
const NEWCOMER = 'newcomer@example.org';
const confirmed = subscribers.filter((s) => s.status === 'confirmed');
const today = () => new Date().toISOString().slice(0, 10);
let test: TestStack;
let second: string;
let emails: StoredEmail[];

const api = (path: string, init: RequestInit & { token?: string | null } = {}) => {
  const { token = TOKEN, ...rest } = init;
  return fetch(`${test.stack.urls.api}${path}`, {
    ...rest,
    headers: { ...(token && { authorization: `Bearer ${token}` }), ...rest.headers },
  });
};
const json = async <T>(path: string, token?: string) => (await (await api(path, { token })).json()) as T;
const period = () => `from=${today()}&to=${today()}`;
const report = (query = '', token?: string) =>
  json<DisseminationReport>(`/api/reports/dissemination?${period()}${query}`, token);
const row = (r: { rows: ReportRow[] }, key: string) => r.rows.find((x) => x.key === key)!;

const reconciled = (id: string) =>
  until(
    () => json<{ reconciledAt?: string }>(`/api/issues/${id}`),
    (issue) => issue.reconciledAt !== undefined,
  );

beforeAll(async () => {
  // Opens right after the send are a person's here; a claim timeout of a second lets each send end soon.
  test = await startTestStack('report', { adminToken: TOKEN, machineWindowSeconds: 0, retryAfterSeconds: 1 });
  expect((await api(`/api/issues/${SAMPLE_ISSUE_ID}/send`, { method: 'POST' })).status).toBe(202);
  await test.stack.drained();
  // Someone new between the two sends: the second issue reaches everyone the first did, and them.
  await subscribe(NEWCOMER);
  const created = await api('/api/issues', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      title: 'Bulgaria follow-up',
      subject: { en: 'Follow-up' },
      intro: { en: 'More news' },
      sections: [],
    }),
  });
  second = ((await created.json()) as { id: string }).id;
  const sent = await api(`/api/issues/${second}/send`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ allowFallback: true }),
  });
  expect(sent.status).toBe(202);
  await test.stack.drained();
  await reconciled(SAMPLE_ISSUE_ID);
  await reconciled(second);
  emails = await sentEmails(test.stack);
}, 120_000);
afterAll(() => test?.dispose());

/** Signs up and confirms someone in Peloponnese. */
async function subscribe(email: string) {
  const signup = await api('/api/subscribe', {
    method: 'POST',
    token: null,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, language: 'el', country: 'GR', region: 'Peloponnese', consent: true }),
  });
  expect(signup.status).toBe(202);
  const confirmation = (await sentEmails(test.stack)).find((e) => e.destination.to.includes(email))!;
  const token = /token=([\w.-]+)/.exec(confirmation.body.text ?? '')![1]!;
  const confirmed = await api(`/api/subscribe/confirm?token=${token}`, {
    method: 'POST',
    token: null,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: '',
  });
  expect(confirmed.status).toBeLessThan(400);
}

const bulgarians = confirmed.filter((s) => s.country === 'BG');
const mailOf = (address: string, subject: RegExp) =>
  emails.find((e) => e.destination.to.includes(address) && subject.test(e.subject))!;
const pixelOf = (email: StoredEmail) => /src="([^"]*\/t\/open\/[^"]+)"/.exec(email.body.html ?? '')![1]!;

describe('dissemination report', () => {
  it('counts each person reached once across issues, and agrees with each issue stats', async () => {
    const [first, other] = bulgarians;
    // The same person opens both issues; another opens the follow-up only, after both sends ended.
    for (const email of [
      mailOf(first!.email, /Follow-up/),
      emails.find((e) => e.destination.to.includes(first!.email) && !/Follow-up/.test(e.subject))!,
      mailOf(other!.email, /Follow-up/),
    ]) {
      expect((await fetch(pixelOf(email))).status).toBe(200);
    }
    const body = await report();
    expect(body.issues.map((i) => i.id).sort()).toEqual([SAMPLE_ISSUE_ID, second].sort());
    expect(body.total).toMatchObject({ issuesSent: 2, peopleReached: confirmed.length + 1, openers: 2 });

    const stats = await Promise.all(
      [SAMPLE_ISSUE_ID, second].map((id) =>
        json<{ rows: { key: string; sent: number; delivered: number; machineOpens: number }[] }>(
          `/api/issues/${id}/stats?by=country`,
        ),
      ),
    );
    const byCountry = await report('&by=country');
    const bg = row(byCountry, 'BG');
    const inBg = stats.map((s) => s.rows.find((r) => r.key === 'BG')!);
    expect(bg).toMatchObject({
      name: 'Bulgaria',
      issuesSent: 2,
      peopleReached: bulgarians.length,
      delivered: inBg[0]!.delivered + inBg[1]!.delivered,
      openers: 2,
      // Rates among the measured only: the Bulgarians who allowed opens and clicks to be measured.
      peopleMeasured: bulgarians.filter((s) => s.tracking).length,
      openRate: Math.round((2 / bulgarians.filter((s) => s.tracking).length) * 10_000) / 10_000,
    });
    expect(inBg[1]!.sent).toBe(bulgarians.length);
    const inGreece = stats.map((s) => s.rows.find((r) => r.key === 'GR')!.sent);
    expect(inGreece[1]).toBe(inGreece[0]! + 1);
    expect(row(byCountry, 'GR')).toMatchObject({ issuesSent: 2, peopleReached: inGreece[1] });
    const delivered = stats.flatMap((s) => s.rows).reduce((n, r) => n + r.delivered, 0);
    expect(byCountry.total.delivered).toBe(delivered);
  });

  it('gives a coordinator their own region, and 403 for another', async () => {
    const { coordinator } = test.stack.tokens;
    const own = await report('', coordinator);
    expect(own.region).toBe('BG/Haskovo');
    expect(own.rows.map((r) => r.key)).toEqual(['BG/Haskovo']);
    const inHaskovo = bulgarians.filter((s) => s.region === 'Haskovo').length;
    expect(own.total.peopleReached).toBe(inHaskovo);
    const perLanguage = await pdfText(
      await (
        await api(`/api/reports/dissemination?${period()}&by=language&format=pdf`, { token: coordinator })
      ).arrayBuffer(),
    );
    expect(perLanguage).toContain('By Language · Haskovo');
    const other = await api(`/api/reports/dissemination?${period()}&region=GR/Peloponnese`, { token: coordinator });
    expect(other.status).toBe(403);
    const bad = await api(`/api/reports/dissemination?from=${today()}&to=yesterday`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.field).toBe('to');
  });

  it('answers CSV for people and for scripts with the JSON figures', async () => {
    const body = await report('&lang=bg');
    const human = await api(`/api/reports/dissemination?${period()}&lang=bg`, { headers: { accept: 'text/csv' } });
    expect(human.headers.get('content-type')).toContain('text/csv');
    const bytes = new Uint8Array(await human.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes).trim().split('\r\n');
    expect(lines[0]).toMatch(/^Регион,Изпратени броеве,Достигнати хора,/);
    expect(lines.at(-1)).toMatch(new RegExp(`^Общо,2,${body.total.peopleReached},${body.total.delivered},`));
    const raw = await (await api(`/api/reports/dissemination?${period()}&format=csv-raw`)).text();
    expect(raw.charCodeAt(0)).not.toBe(0xfeff);
    expect(raw.split('\r\n')[0]).toMatch(/^key,name,issuesSent,peopleReached,/);
    const stats = await (await api(`/api/issues/${SAMPLE_ISSUE_ID}/stats?by=country&format=csv-raw`)).text();
    expect(stats.split('\r\n')[0]).toMatch(/^key,recipients,sent,/);
    expect((await api(`/api/reports/dissemination?${period()}&format=xls`)).status).toBe(400);
  });

  it('makes a PDF whose text carries the project, the period and the table figures, in Greek too', async () => {
    const body = await report('&lang=el');
    const response = await api(`/api/reports/dissemination?${period()}&lang=el`, {
      headers: { accept: 'application/pdf' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    const text = await pdfText(await response.arrayBuffer());
    expect(text).toContain('SECON');
    expect(text).toContain('Έκθεση διάδοσης');
    expect(text).toContain(today());
    expect(text).toContain(FUNDING_STATEMENTS[test.stack.services.reference.profile.funding].el);
    const total = body.total;
    expect(text).toMatch(
      new RegExp(
        `Σύνολο ${total.issuesSent} ${total.peopleReached} ${total.delivered} ${total.openers} ${total.clickers}`,
      ),
    );
    const bg = row(body, 'BG/Haskovo');
    expect(text).toContain(`${bg.name} ${bg.issuesSent} ${bg.peopleReached} ${bg.delivered}`);
  });
});

describe('herald report', () => {
  it('prints the table, and writes the PDF', async () => {
    let printed = '';
    const options = { from: today(), to: today(), by: 'country', url: test.stack.urls.api, token: TOKEN };
    await runReportCommand({ ...options, out: { write: (t: string) => (printed += t) } });
    const total = (await report('&by=country')).total;
    expect(printed).toMatch(/Bulgaria\s+2\s+/);
    expect(printed).toMatch(new RegExp(`Total\\s+2\\s+${total.peopleReached}\\s+${total.delivered}\\s`));
    const file = join(test.dataDir, 'report.pdf');
    await runReportCommand({ ...options, pdf: file, out: { write: () => {} } });
    expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
  });
});

describe('growth', () => {
  it('shows signups, confirmations and unsubscribes per day and region', async () => {
    const series = () => json<GrowthSeries>(`/api/stats/growth?${period()}&by=region`);
    const region = (s: GrowthSeries, key: string) => {
      expect(s.series, JSON.stringify(s)).toBeDefined();
      return s.series.find((x) => x.key === key)!.days.at(-1)!;
    };
    const before = region(await series(), 'GR/Peloponnese');

    await subscribe('growth@example.org');
    expect(region(await series(), 'GR/Peloponnese')).toMatchObject({
      signups: before.signups + 1,
      subscribers: before.subscribers + 1,
    });

    const leaver = mailOf(bulgarians[2]!.email, /Follow-up/);
    const url = leaver.headers!.find((h) => h.name === 'List-Unsubscribe')!.value.replace(/^<|>$/g, '');
    const haskovoBefore = region(await series(), `BG/${bulgarians[2]!.region}`);
    await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    const after = region(await series(), `BG/${bulgarians[2]!.region}`);
    expect(after).toMatchObject({
      unsubscribes: haskovoBefore.unsubscribes + 1,
      subscribers: haskovoBefore.subscribers - 1,
    });
    const body = await report('&by=region');
    expect(row(body, `BG/${bulgarians[2]!.region}`).unsubscribes).toBe(after.unsubscribes);
    expect(row(body, 'GR/Peloponnese').newConfirmed).toBe(before.signups + 1);
  });
});
