// The coordinators' dashboard in a real browser against the embedded stack: after a send with tracked opens and
// clicks, the figures it shows are the stats API's, per region and per language, for an admin and a coordinator;
// then sign-in as in AWS, with a /herald-config.json and a stand-in for the Cognito hosted UI.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_ISSUE_ID } from '../support/profile.ts';
import subscribers from '../../local/sample/secon/subscribers.json' with { type: 'json' };
import { launchChromium } from '../support/browser.ts';
import { AUTH, COGNITO, standInHostedUi, tabWith } from '../support/hosted-ui.ts';
import { sentEmails, startTestStack, type TestStack } from '../support/embedded-stack.ts';

/** Where the dashboard screenshot goes (not asserted); set it to web/dashboard/screenshot-dashboard.png to refresh the README's. */
const SCREENSHOT = process.env.HERALD_DASHBOARD_SCREENSHOT ?? join(tmpdir(), 'dashboard.png');
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

  it('regroups by language and downloads the CSV the API gives', async () => {
    const page = await browser.newPage({ acceptDownloads: true });
    await signIn(page, test.stack.adminToken, `issue=${SAMPLE_ISSUE_ID}&by=region`);
    await page.waitForSelector(`body[data-loaded="${SAMPLE_ISSUE_ID}/region"]`);
    await page.selectOption('#by', 'language');
    await page.waitForSelector(`body[data-loaded="${SAMPLE_ISSUE_ID}/language"]`);
    await expectTableMatches(page, (await stats('language')).rows);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
    const csv = await readFile((await download.path())!, 'utf8');
    const fromApi = await (
      await fetch(`${test.stack.urls.api}/api/issues/${SAMPLE_ISSUE_ID}/stats?by=language`, {
        headers: { authorization: `Bearer ${test.stack.adminToken}`, accept: 'text/csv' },
      })
    ).text();
    expect(csv).toBe(fromApi);
    await page.close();
  });

  it('shows a coordinator only their own region', async () => {
    const page = await browser.newPage();
    await signIn(page, test.stack.tokens.coordinator, `issue=${SAMPLE_ISSUE_ID}&by=region`);
    await page.waitForSelector(`body[data-loaded="${SAMPLE_ISSUE_ID}/region"]`);
    expect(await page.locator('#scope').textContent()).toBe('Region BG/Haskovo');
    const keys = await page
      .locator('#stats-table tbody tr')
      .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.key));
    expect(keys).toEqual(['BG/Haskovo', 'total']);
    await expectTableMatches(page, (await stats('region', test.stack.tokens.coordinator)).rows);
    await page.close();
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
    expect(await tab.locator('#scope').textContent()).toBe('Region BG/Haskovo');
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
