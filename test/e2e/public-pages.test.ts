// The public pages in a real browser on the embedded stack, after the sample issue's send: axe-core finds no WCAG 2.1
// A or AA violation, and nothing scrolls sideways, on the archive (an edition in light and dark mode, the index, record
// pages, the 404), the notices and a subscriber's pages from signup to unsubscribe, in English, Bulgarian (Cyrillic)
// and Greek, at desktop width and at 320 px; and the EU emblem's image loads on the edition and on a page.
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscriberIdFor } from '../../functions/domain/subscribers.ts';
import { wcagViolations } from '../support/axe.ts';
import { launchChromium } from '../support/browser.ts';
import { sentEmails, startTestStack, type TestStack } from '../support/embedded-stack.ts';
import { SAMPLE_ISSUE_ID, SECON_SAMPLE, secon } from '../support/profile.ts';

const LANGUAGES = ['en', 'bg', 'el'];
const DESKTOP = { width: 1280, height: 900 };
/** A small phone, and the width WCAG 2.1's reflow criterion (1.4.10) names: content fits without scrolling sideways. */
const PHONE = { width: 320, height: 640 };

type PageTexts = Record<string, Record<string, string>>;
/** A page's fixed text in `language`, as the page shows it (the project's name filled in). */
const text = (language: string, key: string) => {
  const [section, name] = key.split('.') as [string, string];
  const texts = JSON.parse(
    readFileSync(new URL(`../../locales/${language}/pages.json`, import.meta.url), 'utf8'),
  ) as PageTexts;
  return texts[section]![name]!.replaceAll('{{project}}', secon.profile.shortName);
};

const sampleIssue = JSON.parse(readFileSync(`${SECON_SAMPLE.dir}/issue.json`, 'utf8')) as {
  sections: { type: string; items: string[] }[];
};
const firstOf = (type: string) => sampleIssue.sections.find((s) => s.type === type)!.items[0]!;

let test: TestStack;
let browser: Browser;
const url = (path: string) => `${test.stack.urls.api}${path}`;

async function openPage(colorScheme: 'light' | 'dark' = 'light') {
  return (await browser.newContext({ viewport: DESKTOP, colorScheme })).newPage();
}
const closePage = (page: Page) => page.context().close();

/** Opens `path` and checks it answered `status` in `language`. */
async function visit(page: Page, path: string, language: string, status = 200) {
  const response = await page.goto(url(path));
  expect(response?.status(), path).toBe(status);
  expect(await page.locator('html').getAttribute('lang'), path).toBe(language);
}

/** Waits for the page whose h1 is `title`, after a click that leaves the page. */
const arrivedAt = (page: Page, title: string) =>
  page.getByRole('heading', { level: 1 }).filter({ hasText: title }).waitFor();

/** axe-core's WCAG 2.1 A/AA rules pass, and the page fits its width, on a desktop and on a phone. */
async function expectAccessible(page: Page, what: string) {
  for (const viewport of [DESKTOP, PHONE]) {
    await page.setViewportSize(viewport);
    const where = `${what} at ${viewport.width} px`;
    expect(await wcagViolations(page), where).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth), where).toBeLessThanOrEqual(viewport.width);
  }
  await page.setViewportSize(DESKTOP);
}

/** The link of the confirmation email sent to `address`, once it is there. */
async function confirmationLink(address: string) {
  const linkIn = async () => {
    const mail = (await sentEmails(test.stack)).find((e) => e.destination.to.includes(address));
    return /https?:\/\/[^"\s<]+\/api\/subscribe\/confirm\?token=[^"\s<]+/.exec(mail?.body.html ?? '')?.[0];
  };
  await expect.poll(linkIn).toBeDefined();
  return (await linkIn())!.replaceAll('&amp;', '&');
}

beforeAll(async () => {
  [test, browser] = await Promise.all([startTestStack('e2e-public-pages'), launchChromium()]);
  const sent = await fetch(url(`/api/issues/${SAMPLE_ISSUE_ID}/send`), {
    method: 'POST',
    headers: { authorization: `Bearer ${test.stack.adminToken}` },
  });
  expect(sent.status).toBe(202);
  await test.stack.drained();
});

afterAll(async () => {
  await browser?.close();
  await test?.dispose();
});

describe.each(LANGUAGES)('the public pages in %s', (language) => {
  it('pass axe-core on the edition in the archive, in light and in dark mode', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const page = await openPage(colorScheme);
      await visit(page, `/archive/${SAMPLE_ISSUE_ID}/${language}`, language);
      await expectAccessible(page, `the ${colorScheme} edition`);
      await closePage(page);
    }
  });

  it("pass axe-core on the archive's index, a highlight's and a practice's page, and the 404 page", async () => {
    const page = await openPage();
    await visit(page, `/archive/${language}/`, language);
    expect(await page.locator(`main a[href="/archive/${SAMPLE_ISSUE_ID}/${language}"]`).count()).toBe(1);
    await expectAccessible(page, 'the index');
    for (const record of [firstOf('highlights'), firstOf('practices')]) {
      await visit(page, `/archive/${SAMPLE_ISSUE_ID}/${language}/${record}`, language);
      await expectAccessible(page, `the page of ${record}`);
    }
    await visit(page, `/archive/no-such-issue/${language}`, language, 404);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(text(language, 'not-found.title'));
    await expectAccessible(page, 'the 404 page');
    await closePage(page);
  });

  it('pass axe-core on the privacy notice, the accessibility statement and the page of a broken link', async () => {
    const page = await openPage();
    await visit(page, `/privacy?lang=${language}`, language);
    await expectAccessible(page, 'the privacy notice');
    await visit(page, `/accessibility?lang=${language}`, language);
    await expectAccessible(page, 'the accessibility statement');
    await visit(page, `/unsubscribe/not-a-token?lang=${language}`, language, 400);
    await expectAccessible(page, 'the broken link page');
    await closePage(page);
  });

  it('pass axe-core on every page of a subscriber’s way, from the signup form to unsubscribed', async () => {
    const email = `reader.${language}@example.eu`;
    const page = await openPage();
    await visit(page, `/subscribe?lang=${language}`, language);
    await expectAccessible(page, 'the signup form');

    await page.locator('#email').fill(email);
    const country = secon.countryCodes[0]!;
    await page.locator('#country').selectOption(country);
    await page.locator('#region').selectOption(secon.regionsOf(country)[0]!);
    // The browser itself would refuse the form without consent: take away its `required` to reach the server's check.
    await page.locator('#consent').evaluate((box) => box.removeAttribute('required'));
    await page.getByRole('button', { name: text(language, 'signup.submit') }).click();
    await page.locator('#consent-error').waitFor();
    await expectAccessible(page, 'the signup form with an error');

    await page.locator('#consent').check();
    await page.getByRole('button', { name: text(language, 'signup.submit') }).click();
    await arrivedAt(page, text(language, 'signup-done.title'));
    await expectAccessible(page, 'the "check your inbox" page');

    await page.goto(await confirmationLink(email));
    await arrivedAt(page, text(language, 'confirm.title'));
    await expectAccessible(page, 'the confirmation page');
    await page.getByRole('button', { name: text(language, 'confirm.button') }).click();
    await arrivedAt(page, text(language, 'confirmed.title'));
    await expectAccessible(page, 'the confirmed page');

    await page.getByRole('link', { name: text(language, 'confirmed.preferences') }).click();
    await arrivedAt(page, text(language, 'preferences.title'));
    await expectAccessible(page, 'the preferences page');
    await page.getByRole('button', { name: text(language, 'preferences.save') }).click();
    await page
      .getByRole('status')
      .filter({ hasText: text(language, 'preferences.saved') })
      .waitFor();
    await expectAccessible(page, 'the preferences page, saved');

    await page.getByRole('link', { name: text(language, 'preferences.unsubscribe') }).click();
    await arrivedAt(page, text(language, 'unsubscribe.title'));
    await expectAccessible(page, 'the unsubscribe page');
    await page.getByRole('button', { name: text(language, 'unsubscribe.button') }).click();
    await arrivedAt(page, text(language, 'unsubscribed.title'));
    expect(await page.locator('html').getAttribute('lang')).toBe(language);
    await expectAccessible(page, 'the unsubscribed page');
    expect((await test.stack.services.subscribers.get(subscriberIdFor(email)))?.status).toBe('unsubscribed');
    await closePage(page);
  });
});

describe('the EU emblem', () => {
  /** The shown images whose file did not load, by address; [] when every one did. */
  const brokenImages = (page: Page) =>
    page.$$eval('img', (images) =>
      images
        .filter((image) => image.getClientRects().length > 0 && !(image.complete && image.naturalWidth > 0))
        .map((image) => image.src),
    );
  /** The emblem the reader sees (of `selector`): its address, and the width its file has. */
  const shownEmblem = (page: Page, selector: string) =>
    page.locator(selector).evaluate((image: HTMLImageElement) => ({
      src: image.src,
      shown: image.getClientRects().length > 0 && image.getBoundingClientRect().width > 0,
      naturalWidth: image.naturalWidth,
    }));

  it('loads on the edition in the archive, its white-bordered file in dark mode, from /assets/eu/', async () => {
    for (const [colorScheme, shown, hidden] of [
      ['light', 'img.emblem', 'img.emblem-dark'],
      ['dark', 'img.emblem-dark', 'img.emblem'],
    ] as const) {
      const page = await openPage(colorScheme);
      await visit(page, `/archive/${SAMPLE_ISSUE_ID}/bg`, 'bg');
      const emblem = await shownEmblem(page, shown);
      expect(emblem.src.startsWith(url('/assets/eu/')), emblem.src).toBe(true);
      expect(emblem.shown).toBe(true);
      expect(emblem.naturalWidth).toBeGreaterThan(0);
      expect((await shownEmblem(page, hidden)).shown).toBe(false);
      expect(await brokenImages(page)).toEqual([]);
      await closePage(page);
    }
  });

  it('loads on a public page, with the logos, from /assets/', async () => {
    const page = await openPage();
    await visit(page, '/subscribe?lang=el', 'el');
    const emblem = await shownEmblem(page, '.eu img');
    expect(emblem.src).toBe(url('/assets/eu/eu-emblem.svg'));
    expect(emblem.shown).toBe(true);
    expect(emblem.naturalWidth).toBeGreaterThan(0);
    const logos = await page
      .locator('img.logo')
      .evaluateAll((images) => images.map((i) => (i as HTMLImageElement).src));
    expect(logos.length).toBe(2);
    for (const logo of logos) expect(logo.startsWith(url('/assets/project/')), logo).toBe(true);
    expect(await brokenImages(page)).toEqual([]);
    await closePage(page);
  });
});
