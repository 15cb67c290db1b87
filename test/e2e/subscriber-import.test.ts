// The editor app's subscriber import in a real browser against the embedded stack: an admin chooses a file, checks
// it (the columns as mapped, the first rows, every error), fixes the mapping, imports, and reads the report.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedStack } from '../../local/stack.ts';
import { startTestStack, type TestStack } from '../support/embedded-stack.ts';
import { launchChromium } from '../support/browser.ts';
import { wcagViolations } from '../support/axe.ts';
import { subscriberIdFor } from '../../functions/domain/subscribers.ts';

const ADMIN_TOKEN = 'e2e-import-admin-token-0123456789';
const CSV = [
  'Address,Name,Language,Country,Consent date',
  'ivana@example.bg,Ivana,bg,BG,2025-02-01',
  'bad-address,Nobody,en,BE,2025-02-01',
  'jan@example.be,Jan,nl,BE,2025-02-01',
].join('\n');

let stack: EmbeddedStack;
let test: TestStack;
let browser: Browser;
let page: Page;

async function signIn(token: string) {
  await page.goto(`${stack.urls.api}/editor/`);
  await page.getByLabel('Access token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Issues' }).waitFor();
}

beforeAll(async () => {
  const [started, launched] = await Promise.all([
    startTestStack('e2e-import', { adminToken: ADMIN_TOKEN }),
    launchChromium(),
  ]);
  test = started;
  stack = test.stack;
  browser = launched;
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
});

afterAll(async () => {
  await browser?.close();
  await test?.dispose();
});

describe('importing subscribers in the editor app', () => {
  it('shows editors no import', async () => {
    await signIn(stack.editorToken);
    expect(await page.getByRole('link', { name: 'Import subscribers' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Sign out' }).click();
  });

  it('names a column it cannot find, and writes nothing', async () => {
    await signIn(ADMIN_TOKEN);
    await page.getByRole('link', { name: 'Subscribers', exact: true }).click();
    await page.getByRole('link', { name: 'Import subscribers' }).click();
    await page.getByRole('heading', { level: 1, name: 'Import subscribers' }).waitFor();
    await page
      .getByLabel('CSV file (UTF-8)')
      .setInputFiles({ name: 'list.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
    await page.getByLabel('They consented elsewhere').check();
    await page.getByLabel('Consent source').fill('Haskovo workshop sign-up sheet');
    await page.getByRole('button', { name: 'Check the file' }).click();

    // "Address" is no known name for the address: the server names the missing column, nothing is written.
    await page.getByText('the file has no "email" column').waitFor();
    expect(await stack.services.subscribers.get(subscriberIdFor('ivana@example.bg'))).toBeUndefined();
  });

  it('takes the column chosen for a field, shows the rows as mapped and every error, then imports', async () => {
    await page.getByLabel('email', { exact: true }).selectOption('Address');
    const preview = page.getByRole('table', { name: 'The first rows as the columns map them' });
    await preview.waitFor();
    expect(await preview.locator('tbody tr').count()).toBe(3);
    expect(await preview.locator('tbody tr').first().innerText()).toMatch(/^2\s+ivana@example\.bg\s+Ivana\s+bg\s+BG/);
    const errors = page.getByRole('table', { name: /^Errors \(1\)/ });
    expect(await errors.locator('tbody tr').first().innerText()).toMatch(/^3\s+email/);
    expect(await stack.services.subscribers.get(subscriberIdFor('ivana@example.bg'))).toBeUndefined();

    await page.getByRole('button', { name: 'Import 2 subscribers' }).click();
    await page.getByText('Imported 2 subscribers.').waitFor();
    expect(await stack.services.subscribers.get(subscriberIdFor('ivana@example.bg'))).toMatchObject({
      name: 'Ivana',
      status: 'confirmed',
      consent: { form: 'import', source: 'Haskovo workshop sign-up sheet', importedBy: 'admin' },
    });
    expect(await page.getByRole('table', { name: /^Errors \(1\)/ }).count()).toBe(1);
    expect(await wcagViolations(page)).toEqual([]);
  });
});
