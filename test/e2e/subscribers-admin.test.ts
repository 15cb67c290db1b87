// Subscribers in the editor web app, in a real browser against the embedded stack: an admin finds a subscriber, opens
// their page and erases them after confirming; an editor sees no Subscribers entry. Every page is axe-clean.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSubscriber, subscriberIdFor } from '../../functions/domain/subscribers.ts';
import { generatedSubscriber } from '../../local/generate-subscribers.ts';
import { wcagViolations } from '../support/axe.ts';
import { launchChromium } from '../support/browser.ts';
import { startTestStack, type TestStack } from '../support/embedded-stack.ts';

const ADMIN = 'e2e-subscribers-admin-token-0123456789';
/** A directory for screenshots of the list and a subscriber's page (not asserted), when set. */
const SCREENSHOTS = process.env.HERALD_E2E_SCREENSHOTS;
const screenshot = (name: string) =>
  SCREENSHOTS && page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
const EMAIL = 'dobrina.erasable@example.bg';
let test: TestStack;
let browser: Browser;
let page: Page;

async function signIn(token: string) {
  await page.goto(`${test.stack.urls.api}/editor/`);
  await page.getByLabel('Access token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Issues' }).waitFor();
}

beforeAll(async () => {
  const [started, launched] = await Promise.all([
    startTestStack('e2e-subscribers', { adminToken: ADMIN }),
    launchChromium(),
  ]);
  test = started;
  browser = launched;
  const { services } = test.stack;
  for (let i = 0; i < 60; i += 1) {
    await addSubscriber(services, generatedSubscriber(services.reference, i, 'crowd.example', '2026-11-01T10:00:00Z'));
  }
  const dobrina = generatedSubscriber(services.reference, 0, 'x.example', '2026-11-03T08:30:00Z');
  await addSubscriber(services, {
    ...dobrina,
    id: subscriberIdFor(EMAIL),
    email: EMAIL,
    name: 'Dobrina Erasable',
    country: 'BG',
    region: 'Haskovo',
    language: 'bg',
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await test?.dispose();
});

describe('subscribers in the editor app', () => {
  it('shows an editor no Subscribers entry', async () => {
    await signIn(test.stack.tokens.editor);
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allInnerTexts()).not.toContain(
      'Subscribers',
    );
    await page.getByRole('button', { name: 'Sign out' }).click();
  });

  it('lets an admin find a subscriber by name, open their page, unsubscribe them and erase them after confirming', async () => {
    await signIn(ADMIN);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Subscribers' }).click();
    await page.getByRole('heading', { level: 1, name: 'Subscribers' }).waitFor();
    await page.getByText(/subscribers match; showing 50/).waitFor();
    await screenshot('subscribers-list');
    expect(await wcagViolations(page)).toEqual([]);

    await page.getByLabel('Address or name').fill('dobrina');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('1 subscriber matches; showing 1.').waitFor();
    await page.getByRole('link', { name: EMAIL }).click();

    await page.getByRole('heading', { level: 1, name: EMAIL }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Consent record' }).waitFor();
    expect(await page.getByRole('region', { name: 'Consent record' }).innerText()).toContain('generated');
    expect(await page.getByRole('region', { name: 'Issues sent' }).innerText()).toContain('No issue has been sent');
    await screenshot('subscriber-page');
    expect(await wcagViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    await page.getByRole('status').getByText('Unsubscribed.').waitFor();
    expect(await page.getByRole('region', { name: 'Subscriber' }).innerText()).toMatch(/Unsubscribed\s.*\(admin\)/);
    expect(await page.getByRole('button', { name: 'Unsubscribe' }).count()).toBe(0);

    // Cancelling changes nothing.
    await page.getByRole('button', { name: 'Erase' }).click();
    const dialog = page.getByRole('dialog', { name: `Erase ${EMAIL}?` });
    await dialog.waitFor();
    expect(await wcagViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await test.stack.services.subscribers.get(subscriberIdFor(EMAIL))).toBeDefined();

    await page.getByRole('button', { name: 'Erase' }).click();
    await dialog.getByRole('button', { name: 'Erase' }).click();
    await page.getByText(`${EMAIL} was erased.`).waitFor();
    await page.getByRole('heading', { level: 1, name: 'Subscribers' }).waitFor();
    expect(await test.stack.services.subscribers.get(subscriberIdFor(EMAIL))).toBeUndefined();
    await page.getByLabel('Address or name').fill('dobrina');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('No subscribers match.').waitFor();
  });

  it('imports a suppression list and says which lines were not imported and why (the erased address above too)', async () => {
    await page.getByRole('link', { name: 'Suppression list' }).click();
    await page.getByRole('heading', { level: 1, name: 'Subscribers' }).waitFor();
    const csv = `email\nformer.bounce@tool.example\nnot-an-address\n${EMAIL}\n`;
    await page
      .getByLabel('CSV file (UTF-8)')
      .setInputFiles({ name: 'bounces.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Import' }).click();
    await page.getByText('1 suppressed, 0 already suppressed, 2 lines not imported.').waitFor();
    const rows = await page.getByRole('table', { name: 'Lines not imported' }).locator('tbody tr').allInnerTexts();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^3\s+email/);
    expect(rows[1]).toMatch(/^4\s+skipped \(erased\)/);
    expect(await wcagViolations(page)).toEqual([]);
  });
});
