// The subscriber's public pages in a real browser (Debian Chromium through playwright-core) against the embedded
// stack: sign up in Bulgarian, confirm with the button of the page the email's link opens, unsubscribe from the
// page; the form without JavaScript; and a localized error next to the consent field.
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedStack } from '../../local/stack.ts';
import { sentEmails, startTestStack, type TestStack } from '../support/embedded-stack.ts';
import { launchChromium } from '../support/browser.ts';
import { subscriberIdFor } from '../../functions/domain/subscribers.ts';
import { secon } from '../support/profile.ts';

const PROJECT_NAME = secon.profile.shortName;

const locale = <T>(lang: string, ns: string) =>
  JSON.parse(readFileSync(new URL(`../../locales/${lang}/${ns}.json`, import.meta.url), 'utf8')) as T;
const bgPages = locale<Record<string, Record<string, string>>>('bg', 'pages');
const bgConfirmation = locale<Record<string, string>>('bg', 'confirmation');
/** A locale text as the page or email shows it (the project name filled in). */
const text = (value: string) => value.replaceAll('{{project}}', PROJECT_NAME);

let stack: EmbeddedStack;
let test: TestStack;
let browser: Browser;
let context: BrowserContext;
let page: Page;

const emails = () => sentEmails(stack);
const mailTo = async (address: string) => (await emails()).filter((e) => e.destination.to.includes(address));
const subscriber = (email: string) => stack.services.subscribers.get(subscriberIdFor(email));
const heading = (p: Page) => p.getByRole('heading', { level: 1 });

/** Fills the signup form as a person would: address, language left as offered, country, region, one topic. */
async function fillSignup(p: Page, email: string) {
  await p.getByLabel(bgPages.fields!.email!, { exact: true }).fill(email);
  expect(await p.getByLabel(bgPages.fields!.language!, { exact: true }).inputValue()).toBe('bg');
  await p.getByLabel(bgPages.fields!.country!, { exact: true }).selectOption({ label: 'България' });
  await p
    .getByLabel(bgPages.fields!.region!, { exact: true })
    .selectOption({ label: secon.regionLabel('BG', 'Haskovo', 'bg') });
  // A fresh form offers every topic ticked: keep only events.
  for (const box of await p.locator('input[name="topics"]').all()) await box.uncheck();
  // Region and topic labels are the profile's.
  const events = secon.profile.topics.find((t) => t.id === 'events')!;
  await p.getByRole('checkbox', { name: secon.label(events.label, 'bg'), exact: true }).check();
}

beforeAll(async () => {
  const [started, launched] = await Promise.all([startTestStack('e2e-subscriber'), launchChromium()]);
  test = started;
  stack = test.stack;
  browser = launched;
  context = await browser.newContext({ viewport: { width: 1024, height: 800 } });
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await test?.dispose();
});

describe('the subscriber pages', () => {
  const email = 'ivana.petrova@example.bg';
  let confirmLink: string;

  it('signs up in Bulgarian from the form and shows the Bulgarian "check your inbox" page', async () => {
    await page.goto(`${stack.urls.api}/subscribe?lang=bg`);
    await page.locator('html[lang="bg"]').waitFor({ state: 'attached' });
    expect(await heading(page).innerText()).toBe(text(bgPages.signup!.title!));

    await fillSignup(page, email);
    // Measuring opens and clicks is asked apart, and never ticked for the reader.
    expect(await page.getByRole('checkbox', { name: bgPages.tracking!.label!, exact: true }).isChecked()).toBe(false);
    await page.getByRole('checkbox', { name: /^Давам съгласието си/ }).check();
    await page.getByRole('button', { name: bgPages.signup!.submit! }).click();

    await heading(page).filter({ hasText: bgPages['signup-done']!.title! }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('bg');
    expect(await subscriber(email)).toMatchObject({
      status: 'pending',
      language: 'bg',
      country: 'BG',
      region: 'Haskovo',
      topics: ['events'],
      tracking: false,
      consent: { form: 'signup-page', language: 'bg', tracking: { allowed: false } },
    });
  });

  it('measures opens and clicks only when the box is ticked, and lets the preferences page take it back', async () => {
    const address = 'measured.reader@example.bg';
    await page.goto(`${stack.urls.api}/subscribe?lang=bg`);
    await fillSignup(page, address);
    await page.getByRole('checkbox', { name: /^Давам съгласието си/ }).check();
    await page.getByRole('checkbox', { name: bgPages.tracking!.label!, exact: true }).check();
    await page.getByRole('button', { name: bgPages.signup!.submit! }).click();
    await heading(page).filter({ hasText: bgPages['signup-done']!.title! }).waitFor();
    expect(await subscriber(address)).toMatchObject({ tracking: true, consent: { tracking: { allowed: true } } });

    const token = stack.services.tokens.sign({ purpose: 'manage', subscriberId: subscriberIdFor(address) });
    await page.goto(`${stack.urls.api}/preferences/${token}`);
    const box = page.getByRole('checkbox', { name: bgPages.tracking!.label!, exact: true });
    expect(await box.isChecked()).toBe(true);
    await box.uncheck();
    await page.getByRole('button', { name: bgPages.preferences!.save! }).click();
    await page.getByRole('status').filter({ hasText: bgPages.preferences!.saved! }).waitFor();
    expect(await subscriber(address)).toMatchObject({ tracking: false, consent: { tracking: { allowed: false } } });
  });

  it('sends a Bulgarian confirmation email whose link asks on a Bulgarian page, and whose button confirms', async () => {
    const mails = await mailTo(email);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail!.subject).toBe(text(bgConfirmation.subject!));
    const match = /https?:\/\/[^"\s<]+\/api\/subscribe\/confirm\?token=[^"\s<]+/.exec(mail!.body.html ?? '');
    expect(match).not.toBeNull();
    confirmLink = match![0].replaceAll('&amp;', '&');

    await page.goto(confirmLink);
    await page.locator('html[lang="bg"]').waitFor({ state: 'attached' });
    expect(await heading(page).innerText()).toBe(bgPages.confirm!.title!);
    // Opening the link (or a mail scanner fetching it) changes nothing.
    expect((await subscriber(email))?.status).toBe('pending');

    await page.getByRole('button', { name: bgPages.confirm!.button! }).click();
    await heading(page).filter({ hasText: bgPages.confirmed!.title! }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('bg');
    expect(await subscriber(email)).toMatchObject({
      status: 'confirmed',
      consent: { confirmedAt: expect.any(String) },
    });
  });

  it('asks before unsubscribing, and unsubscribes from the page’s button with a Bulgarian page', async () => {
    const token = stack.services.tokens.sign({ purpose: 'manage', subscriberId: subscriberIdFor(email) });
    await page.goto(`${stack.urls.api}/unsubscribe/${token}`);
    await page.locator('html[lang="bg"]').waitFor({ state: 'attached' });
    expect(await heading(page).innerText()).toBe(bgPages.unsubscribe!.title!);
    // Opening the page (or a mail scanner fetching it) changes nothing.
    expect((await subscriber(email))?.status).toBe('confirmed');

    await page.getByRole('button', { name: bgPages.unsubscribe!.button! }).click();
    await heading(page).filter({ hasText: bgPages.unsubscribed!.title! }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('bg');
    expect(await subscriber(email)).toMatchObject({ status: 'unsubscribed', unsubscribeSource: 'page' });
  });

  it('signs up from the form with JavaScript turned off', async () => {
    const noScript = await browser.newContext({ javaScriptEnabled: false });
    try {
      const plain = await noScript.newPage();
      const address = 'georgi.no-js@example.bg';
      await plain.goto(`${stack.urls.api}/subscribe?lang=bg`);
      await fillSignup(plain, address);
      await plain.locator('#consent').check();
      await plain.getByRole('button', { name: bgPages.signup!.submit! }).click();
      await heading(plain).filter({ hasText: bgPages['signup-done']!.title! }).waitFor();
      expect(await subscriber(address)).toMatchObject({ status: 'pending', region: 'Haskovo' });
      expect(await mailTo(address)).toHaveLength(1);
    } finally {
      await noScript.close();
    }
  });

  it('shows a Bulgarian error next to the consent field when consent is missing, and stores nothing', async () => {
    const address = 'no.consent@example.bg';
    const sentBefore = (await emails()).length;
    await page.goto(`${stack.urls.api}/subscribe?lang=bg`);
    await fillSignup(page, address);
    // The browser itself would refuse the form: take away its `required` to reach the server's check.
    await page.evaluate(() => document.querySelector('#consent')?.removeAttribute('required'));
    await page.getByRole('button', { name: bgPages.signup!.submit! }).click();

    const error = page.locator('#consent-error');
    await error.waitFor();
    expect(await error.innerText()).toBe(bgPages.errors!.consent!);
    expect(await page.locator('#consent').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('fieldset.consent').getAttribute('aria-describedby')).toBe('consent-error');
    expect(await page.locator('html').getAttribute('lang')).toBe('bg');
    // What was typed is still there.
    expect(await page.getByLabel(bgPages.fields!.email!, { exact: true }).inputValue()).toBe(address);
    expect(await subscriber(address)).toBeUndefined();
    expect((await emails()).length).toBe(sentBefore);
  });
});
