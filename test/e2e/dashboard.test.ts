// The coordinators' dashboard in a real browser against the embedded stack: after a send with tracked opens and
// clicks, the figures it shows are the stats API's and the report API's, per region and per language, for an admin
// and a coordinator; groups by name, charts that stay readable, tables the keyboard reaches, axe-core clean; then
// sign-in as in AWS, with a /herald-config.json and a stand-in for the Cognito hosted UI.
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_ISSUE_ID } from '../support/profile.ts';
import subscribers from '../../local/sample/secon/subscribers.json' with { type: 'json' };
import { launchChromium } from '../support/browser.ts';
import { AUTH, COGNITO, standInHostedUi, tabWith } from '../support/hosted-ui.ts';
import { sentEmails, startTestStack, type TestStack } from '../support/embedded-stack.ts';
import { wcagViolations } from '../support/axe.ts';
import { pdfText } from '../support/pdf-text.ts';

/** Where the dashboard screenshot goes (not asserted); set it to web/dashboard/screenshot-dashboard.png to refresh the README's. */
const SCREENSHOT = process.env.HERALD_DASHBOARD_SCREENSHOT ?? join(tmpdir(), 'dashboard.png');
/** The same for the report page (web/dashboard/screenshot-report.png in the README). */
const REPORT_SCREENSHOT = process.env.HERALD_REPORT_SCREENSHOT ?? join(tmpdir(), 'dashboard-report.png');
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const COORDINATOR_REGION = 'BG/Haskovo';
const READER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';

let test: TestStack;
let browser: Browser;

interface Row {
  key: string;
  [field: string]: number | string | null;
}
const percent = (rate: number | null) => (rate === null ? '–' : `${(rate * 100).toFixed(1)}%`);

const stats = async (by: string, token = test.stack.adminToken) =>
  (await (
    await fetch(`${test.stack.urls.api}/api/issues/${SAMPLE_ISSUE_ID}/stats?by=${by}`, {
      headers: { authorization: `Bearer ${token}` },
    })
  ).json()) as { rows: Row[]; total: Row };

/** Opens and clicks as readers (and one Apple Mail Privacy Protection prefetch) make them. */
async function trackSomeReaders() {
  const emails = await sentEmails(test.stack);
  const confirmed = subscribers.filter((s) => s.status === 'confirmed');
  const hit = (url: string, userAgent = READER) =>
    fetch(url, { headers: { 'user-agent': userAgent }, redirect: 'manual' });
  for (const [i, subscriber] of confirmed.entries()) {
    const html = emails.find((e) => e.destination.to.includes(subscriber.email))?.body.html ?? '';
    const pixel = /src="([^"]*\/t\/open\/[^"]+)"/.exec(html)?.[1];
    const click = /href="([^"]*\/t\/click\/[^"]+\.1)"/.exec(html)?.[1];
    if (!pixel || !click) continue;
    if (i % 2 === 0) await hit(pixel);
    if (i % 5 === 0) await hit(pixel, 'Mozilla/5.0');
    if (i % 3 === 0) await hit(click);
  }
}

/** The last 30 days, today (the sample issue's send) included. */
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const PERIOD = { from: day(-30), to: day(0) };
const DAYS_IN_PERIOD = 31;

/** The report API's answer (its body, and a download's name), with `format` and `accept` as the dashboard sends them. */
async function reportApi(path: string, token: string, accept = 'application/json') {
  const url = new URL(path, test.stack.urls.api);
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept } });
  expect(response.status, path).toBe(200);
  const fileName = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1];
  return { body: Buffer.from(await response.arrayBuffer()), fileName };
}
const reportJson = async <T>(path: string, token = test.stack.adminToken) =>
  JSON.parse((await reportApi(path, token)).body.toString('utf8')) as T;

interface Report {
  region?: string;
  rows: Row[];
  total: Row;
}
interface Growth {
  series: { key: string; days: { date: string; subscribers: number; signups: number; unsubscribes: number }[] }[];
}

async function newPage(options: BrowserContextOptions = {}) {
  return (await browser.newContext(options)).newPage();
}
const closePage = (page: Page) => page.context().close();

async function signIn(page: Page, token: string, query: string) {
  await page.goto(`${test.stack.urls.api}/dashboard/?${query}`);
  await page.fill('#token', token);
  await page.click('#sign-in button[type=submit]');
}

async function expectTableMatches(page: Page, rows: Row[]) {
  const shown = (key: string, field: string) =>
    page.locator(`#stats-table tr[data-key="${key}"] td[data-field=${field}]`).textContent();
  for (const row of rows) {
    for (const field of ['recipients', 'delivered', 'uniqueOpens', 'machineOpens', 'uniqueClicks', 'bounced']) {
      expect(await shown(row.key, field), `${row.key} ${field}`).toBe(String(row[field]));
    }
    for (const field of ['openRate', 'clickRate', 'deliveryRate']) {
      expect(await shown(row.key, field), `${row.key} ${field}`).toBe(percent(row[field] as number | null));
    }
  }
}

beforeAll(async () => {
  [test, browser] = await Promise.all([
    startTestStack('e2e-dashboard', {
      adminToken: 'e2e-dashboard-admin-0123456789',
      machineWindowSeconds: 0,
      // The stand-in hosted UI: the web apps' policy lets them call it, as the deployed one names Cognito's.
      authOrigin: AUTH,
    }),
    launchChromium(),
  ]);
  const sent = await fetch(`${test.stack.urls.api}/api/issues/${SAMPLE_ISSUE_ID}/send`, {
    method: 'POST',
    headers: { authorization: `Bearer ${test.stack.adminToken}` },
  });
  expect(sent.status).toBe(202);
  // Until the SES events are in too: the figures must not move while the page and the API are compared.
  await test.stack.drained();
  await trackSomeReaders();
});

afterAll(async () => {
  await browser?.close();
  await test?.dispose();
});

describe('the dashboard', () => {
  it('shows the figures of the stats API per region, with the totals, and draws the charts', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
    await signIn(page, test.stack.adminToken, `issue=${SAMPLE_ISSUE_ID}&by=region`);
    await page.waitForSelector(`body[data-loaded="${SAMPLE_ISSUE_ID}/region"]`);
    const api = await stats('region');
    expect(api.total.uniqueOpens).toBeGreaterThan(0);
    await expectTableMatches(page, [...api.rows, api.total]);
    expect(await page.locator('[data-stat=uniqueOpens]').textContent()).toBe(String(api.total.uniqueOpens));
    expect(await page.locator('[data-stat=openRate]').textContent()).toBe(percent(api.total.openRate as number));
    for (const chart of ['rates-chart', 'hours-chart', 'compare-chart']) {
      expect(
        await page.evaluate(
          (id) =>
            (globalThis as unknown as { Chart: { getChart(id: string): unknown } }).Chart.getChart(id) !== undefined,
          chart,
        ),
      ).toBe(true);
    }
    expect(
      await page.locator(`#compare-table tr[data-key="${SAMPLE_ISSUE_ID}"] td[data-field=uniqueOpens]`).textContent(),
    ).toBe(String(api.total.uniqueOpens));
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    await page.close();
  });

  it('regroups by language and downloads the CSVs the API gives, for people and for scripts', async () => {
    const page = await browser.newPage({ acceptDownloads: true });
    await signIn(page, test.stack.adminToken, `issue=${SAMPLE_ISSUE_ID}&by=region`);
    await page.waitForSelector(`body[data-loaded="${SAMPLE_ISSUE_ID}/region"]`);
    await page.selectOption('#by', 'language');
    await page.waitForSelector(`body[data-loaded="${SAMPLE_ISSUE_ID}/language"]`);
    await expectTableMatches(page, (await stats('language')).rows);
    // Byte for byte: the human CSV's byte-order mark (which Excel needs) must survive the download.
    for (const [button, query] of [
      ['#csv', 'by=language'],
      ['#csv-raw', 'by=language&format=csv-raw'],
    ]) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(button!)]);
      const csv = await readFile((await download.path())!);
      const fromApi = await (
        await fetch(`${test.stack.urls.api}/api/issues/${SAMPLE_ISSUE_ID}/stats?${query}`, {
          headers: { authorization: `Bearer ${test.stack.adminToken}`, accept: 'text/csv' },
        })
      ).arrayBuffer();
      expect(csv.equals(Buffer.from(fromApi)), button).toBe(true);
    }
    await page.close();
  });

  it('shows a coordinator only their own region', async () => {
    const page = await browser.newPage();
    await signIn(page, test.stack.tokens.coordinator, `issue=${SAMPLE_ISSUE_ID}&by=region`);
    await page.waitForSelector(`body[data-loaded="${SAMPLE_ISSUE_ID}/region"]`);
    expect(await page.locator('#scope').textContent()).toBe('Region: Haskovo (Bulgaria)');
    const keys = await page
      .locator('#stats-table tbody tr')
      .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.key));
    expect(keys).toEqual(['BG/Haskovo', 'total']);
    await expectTableMatches(page, (await stats('region', test.stack.tokens.coordinator)).rows);
    await page.close();
  });
});

const REPORT_FIELDS = [
  'issuesSent',
  'peopleReached',
  'delivered',
  'openers',
  'clickers',
  'newConfirmed',
  'unsubscribes',
  'subscribersAtEnd',
  'machineOpens',
  'botClicks',
];

async function expectReportMatches(page: Page, report: Report) {
  const shown = (key: string, field: string) =>
    page.locator(`#report-table tr[data-key="${key}"] td[data-field=${field}]`).textContent();
  expect(await page.locator('#report-table tbody tr').count()).toBe(report.rows.length + 1);
  for (const row of [...report.rows, report.total]) {
    for (const field of REPORT_FIELDS)
      expect(await shown(row.key, field), `${row.key} ${field}`).toBe(String(row[field]));
    for (const field of ['openRate', 'clickRate']) {
      expect(await shown(row.key, field), `${row.key} ${field}`).toBe(percent(row[field] as number | null));
    }
  }
}

const reportQuery = (by: string) => `from=${PERIOD.from}&to=${PERIOD.to}&by=${by}`;
const openReport = async (page: Page, token: string, by: string) => {
  await signIn(page, token, `view=report&${reportQuery(by)}`);
  await page.waitForSelector(`body[data-loaded="report/${PERIOD.from}/${PERIOD.to}/${by}"]`);
};

/** What Chart.js drew on a canvas: its orientation, labels and datasets. */
const chartOf = (page: Page, id: string) =>
  page.evaluate((canvasId) => {
    const chart = (
      globalThis as unknown as {
        Chart: {
          getChart(id: string):
            | {
                options: { indexAxis: string };
                data: { labels: unknown[]; datasets: { label: string; data: number[] }[] };
              }
            | undefined;
        };
      }
    ).Chart.getChart(canvasId)!;
    const box = document.getElementById(canvasId)!.parentElement!.getBoundingClientRect();
    return {
      indexAxis: chart.options.indexAxis,
      // A label in lines is an array of them.
      labels: chart.data.labels.map((label) => (Array.isArray(label) ? label.join(' ') : label)),
      datasets: chart.data.datasets.map((d) => ({ label: d.label, data: d.data })),
      height: box.height,
    };
  }, id);

describe('a dashboard people can read', () => {
  it('names groups: regions as the profile does, countries and languages in the viewer’s language', async () => {
    const page = await newPage({ locale: 'de-DE' });
    await signIn(page, test.stack.adminToken, `issue=${SAMPLE_ISSUE_ID}&by=region`);
    await page.waitForSelector(`body[data-loaded="${SAMPLE_ISSUE_ID}/region"]`);
    const name = (key: string) => page.locator(`#stats-table tr[data-key="${key}"] th`).textContent();
    expect(await name('BG/Haskovo')).toBe('Haskovo (Bulgarien)');
    const other = (await stats('region')).rows.find((r) => r.key.endsWith('/other'));
    if (other) expect(await name(other.key)).toMatch(/^Other regions \(\p{L}/u);
    expect(await name('total')).toBe('Total');
    await page.selectOption('#by', 'country');
    await page.waitForSelector(`body[data-loaded="${SAMPLE_ISSUE_ID}/country"]`);
    expect(await name('BG')).toBe('Bulgarien');
    expect(await name('GR')).toBe('Griechenland');
    await page.selectOption('#by', 'language');
    await page.waitForSelector(`body[data-loaded="${SAMPLE_ISSUE_ID}/language"]`);
    expect(await name('bg')).toBe('Bulgarisch');
    expect((await chartOf(page, 'rates-chart')).labels).toContain('Bulgarisch');
    await closePage(page);
  });

  it('lays the bars down once there are more than a few groups, growing with them, and keeps a few upright', async () => {
    const page = await newPage({ viewport: DESKTOP });
    await signIn(page, test.stack.adminToken, `issue=${SAMPLE_ISSUE_ID}&by=region`);
    await page.waitForSelector(`body[data-loaded="${SAMPLE_ISSUE_ID}/region"]`);
    const regions = (await stats('region')).rows;
    expect(regions.length).toBeGreaterThan(4);
    const many = await chartOf(page, 'rates-chart');
    expect(many.indexAxis).toBe('y');
    expect(many.labels).toContain('Haskovo (Bulgaria)');
    expect(many.height).toBeGreaterThan(regions.length * 3 * 9);
    await closePage(page);

    const coordinator = await newPage({ viewport: DESKTOP });
    await signIn(coordinator, test.stack.tokens.coordinator, `issue=${SAMPLE_ISSUE_ID}&by=region`);
    await coordinator.waitForSelector(`body[data-loaded="${SAMPLE_ISSUE_ID}/region"]`);
    const few = await chartOf(coordinator, 'rates-chart');
    expect(few.indexAxis).toBe('x');
    expect(few.height).toBe(260);
    await closePage(coordinator);
  });

  it('fits every table at 1280 px, and at phone width scrolls a wider one by keyboard with its names in view', async () => {
    const page = await newPage({ viewport: DESKTOP });
    await signIn(page, test.stack.adminToken, `issue=${SAMPLE_ISSUE_ID}&by=region`);
    await page.waitForSelector(`body[data-loaded="${SAMPLE_ISSUE_ID}/region"]`);
    const overflowing = () =>
      page.$$eval('.table-wrap', (wraps) =>
        wraps
          .filter((w) => w.scrollWidth > w.clientWidth + 1 && w.getClientRects().length > 0)
          .map((w) => w.firstElementChild!.id),
      );
    expect(await overflowing()).toEqual([]);
    await page.goto(`${test.stack.urls.api}/dashboard/?view=report&${reportQuery('region')}`);
    await page.waitForSelector(`body[data-loaded="report/${PERIOD.from}/${PERIOD.to}/region"]`);
    expect(await overflowing()).toEqual([]);

    await page.setViewportSize(PHONE);
    await page.goto(`${test.stack.urls.api}/dashboard/?issue=${SAMPLE_ISSUE_ID}&by=region`);
    await page.waitForSelector(`body[data-loaded="${SAMPLE_ISSUE_ID}/region"]`);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    expect(await overflowing()).toContain('stats-table');
    const wrap = page.locator('.table-wrap:has(#stats-table)');
    expect(await wrap.getAttribute('aria-labelledby')).toBe('stats-caption');
    let reached = false;
    for (let presses = 0; presses < 30 && !reached; presses++) {
      await page.keyboard.press('Tab');
      reached = await wrap.evaluate((element) => element === document.activeElement);
    }
    expect(reached).toBe(true);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => wrap.evaluate((element) => element.scrollLeft)).toBeGreaterThan(0);
    const [wrapLeft, nameLeft] = await Promise.all([
      wrap.evaluate((element) => element.getBoundingClientRect().left),
      page.locator('#stats-table tr[data-key="BG/Haskovo"] th').evaluate((th) => th.getBoundingClientRect().left),
    ]);
    expect(Math.round(nameLeft)).toBe(Math.round(wrapLeft));
    await closePage(page);
  });

  it('passes axe-core’s WCAG 2.1 A and AA rules on the issue and report views, at 1280 px and at phone width', async () => {
    for (const viewport of [DESKTOP, PHONE]) {
      const page = await newPage({ viewport });
      await signIn(page, test.stack.adminToken, `issue=${SAMPLE_ISSUE_ID}&by=region`);
      await page.waitForSelector(`body[data-loaded="${SAMPLE_ISSUE_ID}/region"]`);
      expect(await wcagViolations(page), `issue view at ${viewport.width} px`).toEqual([]);
      await page.goto(`${test.stack.urls.api}/dashboard/?view=report&${reportQuery('region')}`);
      await page.waitForSelector(`body[data-loaded="report/${PERIOD.from}/${PERIOD.to}/region"]`);
      await page
        .locator('#report-view details')
        .evaluateAll((all) => all.forEach((d) => ((d as HTMLDetailsElement).open = true)));
      expect(await wcagViolations(page), `report view at ${viewport.width} px`).toEqual([]);
      await closePage(page);
    }
  });
});

describe('the report for a period', () => {
  it('shows the report API’s figures per region with the total and says what is estimated', async () => {
    const page = await newPage({ viewport: { width: 1280, height: 1600 } });
    await openReport(page, test.stack.adminToken, 'region');
    const report = await reportJson<Report>(`/api/reports/dissemination?${reportQuery('region')}&lang=en`);
    expect(report.rows.length).toBeGreaterThan(4);
    await expectReportMatches(page, report);
    expect(await page.locator('#report-note').innerText()).toMatch(/people reached.*estimate/is);
    expect(await page.locator('#report-table thead').innerText()).toContain('People reached (estimated)');
    expect(await page.locator('#scope').textContent()).toBe('All regions');
    await page.screenshot({ path: REPORT_SCREENSHOT, fullPage: true });
    await closePage(page);
  });

  it('regroups by language and downloads the CSV for people, the CSV for scripts and the PDF the API gives', async () => {
    const page = await newPage({ acceptDownloads: true });
    await openReport(page, test.stack.adminToken, 'region');
    await page.selectOption('#report-by', 'language');
    await page.click('#report-controls button[type=submit]');
    await page.waitForSelector(`body[data-loaded="report/${PERIOD.from}/${PERIOD.to}/language"]`);
    expect(page.url()).toContain(`view=report&${reportQuery('language')}`);
    await expectReportMatches(
      page,
      await reportJson<Report>(`/api/reports/dissemination?${reportQuery('language')}&lang=en`),
    );
    for (const [button, format, accept] of [
      ['#report-csv', 'csv', 'text/csv'],
      ['#report-csv-raw', 'csv-raw', 'text/csv'],
      ['#report-pdf', 'pdf', 'application/pdf'],
    ] as const) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
      const saved = await readFile((await download.path())!);
      const fromApi = await reportApi(
        `/api/reports/dissemination?${reportQuery('language')}&lang=en&format=${format}`,
        test.stack.adminToken,
        accept,
      );
      expect(download.suggestedFilename(), format).toBe(fromApi.fileName);
      if (format === 'pdf') {
        // Each rendering has its own creation date and file id: the same text, not the same bytes.
        expect(saved.subarray(0, 5).toString()).toBe('%PDF-');
        const text = await pdfText(saved);
        expect(text).toBe(await pdfText(fromApi.body));
        const report = await reportJson<Report>(`/api/reports/dissemination?${reportQuery('language')}&lang=en`);
        for (const row of [...report.rows, { ...report.total, name: 'Total' }]) {
          const figures = ['issuesSent', 'peopleReached', 'delivered', 'openers', 'clickers'].map((f) => row[f]);
          expect(text, row.key).toContain(`${row.name} ${figures.join(' ')}`);
        }
        if (process.env.HERALD_REPORT_PDF) await writeFile(process.env.HERALD_REPORT_PDF, saved);
      } else expect(saved.equals(fromApi.body), format).toBe(true);
      if (format === 'csv') expect([...saved.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    }
    await closePage(page);
  });

  it('names the field of a period the API refuses', async () => {
    const page = await newPage();
    await signIn(page, test.stack.adminToken, `view=report&from=${PERIOD.to}&to=${PERIOD.from}&by=region`);
    await expect.poll(() => page.locator('#report-error').textContent()).toMatch(/\S/);
    expect(await page.locator('#to').getAttribute('aria-invalid')).toBe('true');
    await closePage(page);
  });

  it('draws the growth per day, for all regions added up and for one region', async () => {
    const page = await newPage();
    await openReport(page, test.stack.adminToken, 'region');
    const growth = await reportJson<Growth>(`/api/stats/growth?from=${PERIOD.from}&to=${PERIOD.to}&by=region`);
    const all = await chartOf(page, 'growth-chart');
    expect(all.labels).toHaveLength(DAYS_IN_PERIOD);
    const series = (label: string) => all.datasets.find((d) => d.label === label)!.data;
    for (const label of ['Subscribers', 'Signups', 'Unsubscribes']) expect(series(label)).toHaveLength(DAYS_IN_PERIOD);
    const sum = (field: 'subscribers' | 'signups' | 'unsubscribes', d: number) =>
      growth.series.reduce((n, s) => n + s.days[d]![field], 0);
    expect(series('Subscribers')).toEqual(Array.from({ length: DAYS_IN_PERIOD }, (_, d) => sum('subscribers', d)));
    expect(series('Signups')).toEqual(Array.from({ length: DAYS_IN_PERIOD }, (_, d) => sum('signups', d)));

    const haskovo = growth.series.find((s) => s.key === COORDINATOR_REGION)!;
    await page.selectOption('#growth-region', COORDINATOR_REGION);
    const one = await chartOf(page, 'growth-chart');
    expect(one.datasets.find((d) => d.label === 'Subscribers')!.data).toEqual(haskovo.days.map((d) => d.subscribers));
    expect(one.datasets.find((d) => d.label === 'Unsubscribes')!.data).toEqual(haskovo.days.map((d) => d.unsubscribes));
    await closePage(page);
  });

  it('shows a coordinator the report and the growth of their own region only', async () => {
    const page = await newPage();
    await openReport(page, test.stack.tokens.coordinator, 'region');
    expect(await page.locator('#scope').textContent()).toBe('Region: Haskovo (Bulgaria)');
    const report = await reportJson<Report>(
      `/api/reports/dissemination?${reportQuery('region')}&lang=en`,
      test.stack.tokens.coordinator,
    );
    expect(report.rows.map((r) => r.key)).toEqual([COORDINATOR_REGION]);
    await expectReportMatches(page, report);
    expect(await page.locator('#growth-region option').allTextContents()).toEqual(['Haskovo (Bulgaria)']);
    expect((await chartOf(page, 'growth-chart')).labels).toHaveLength(DAYS_IN_PERIOD);
    await closePage(page);
  });
});

describe('the dashboard with a /herald-config.json, as in AWS', () => {
  it('says which user pool’s token to paste when there is no hosted sign-in domain', async () => {
    const tab = await tabWith(browser, COGNITO);
    await tab.goto(`${test.stack.urls.api}/dashboard/`);
    expect(await tab.locator('#token-hint').innerText()).toContain(`Amazon Cognito ${COGNITO.userPoolId}`);
    await tab.context().close();
  });

  it('signs a coordinator in through the hosted UI, back on the same issue and grouping, and out there too', async () => {
    const tab = await tabWith(browser, { ...COGNITO, authDomainUrl: AUTH });
    const dashboardUrl = `${test.stack.urls.api}/dashboard/`;
    const sent = await standInHostedUi(tab, { idToken: test.stack.tokens.coordinator, apiOrigin: test.stack.urls.api });

    const query = `issue=${SAMPLE_ISSUE_ID}&by=language`;
    await tab.goto(`${dashboardUrl}?${query}`);
    expect(await tab.locator('#token').isVisible()).toBe(false);
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await tab.waitForSelector(`body[data-loaded="${SAMPLE_ISSUE_ID}/language"]`);
    expect(tab.url()).toBe(`${dashboardUrl}?${query}`);
    expect(await tab.locator('#scope').textContent()).toBe('Region: Haskovo (Bulgaria)');
    expect(Object.fromEntries(sent.authorize)).toMatchObject({
      response_type: 'code',
      client_id: COGNITO.userPoolClientId,
      redirect_uri: dashboardUrl,
      code_challenge_method: 'S256',
    });
    expect(Object.fromEntries(sent.token)).toMatchObject({
      grant_type: 'authorization_code',
      code: 'e2e-code',
      redirect_uri: dashboardUrl,
    });
    const verifier = sent.token.get('code_verifier')!;
    expect(createHash('sha256').update(verifier).digest('base64url')).toBe(sent.authorize.get('code_challenge'));

    await tab.getByRole('button', { name: 'Sign out' }).click();
    await tab.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(tab.url()).toBe(dashboardUrl);
    expect(Object.fromEntries(sent.logout)).toEqual({ client_id: COGNITO.userPoolClientId, logout_uri: dashboardUrl });
    expect(await tab.evaluate(() => sessionStorage.getItem('herald.dashboard.token'))).toBeNull();
    await tab.context().close();
  });
});
