// The editor web app in a real browser (Debian Chromium through playwright-core) against the embedded stack:
// sign in, compose an issue from records, preview it in Bulgarian and Greek, and see the API's errors;
// then sign-in as in AWS, with a /herald-config.json and a stand-in for the Cognito hosted UI.
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedStack } from '../../local/stack.ts';
import { startTestStack, type TestStack } from '../support/embedded-stack.ts';
import { launchChromium } from '../support/browser.ts';
import { AUTH, COGNITO, standInHostedUi, tabWith } from '../support/hosted-ui.ts';
import { LANGUAGES, secon } from '../support/profile.ts';
import highlights from '../../local/sample/secon/highlights.json' with { type: 'json' };
import practices from '../../local/sample/secon/practices.json' with { type: 'json' };

/** Where the preview screenshot goes (not asserted); set it to web/editor/screenshot-preview.png to refresh the README's. */
const SCREENSHOT = process.env.HERALD_E2E_SCREENSHOT ?? join(tmpdir(), 'editor-preview.png');

const ISSUE = {
  title: 'E2E: Haskovo workshop and the transnational report',
  subject: {
    en: 'SECON news: a workshop in Haskovo and a report on nine regions',
    bg: 'Новини от SECON: семинар в Хасково и доклад за девет региона',
    el: 'Νέα του SECON: εργαστήριο στο Χάσκοβο και έκθεση για εννέα περιφέρειες',
  },
  intro: {
    en: 'Partners met in Haskovo, and the transnational report is out.',
    bg: 'Партньорите се срещнаха в Хасково, а транснационалният доклад вече е публикуван.',
    el: 'Οι εταίροι συναντήθηκαν στο Χάσκοβο και η διακρατική έκθεση κυκλοφόρησε.',
  },
};
const sample = <T extends { id: string }>(records: T[], id: string) => records.find((r) => r.id === id)!;
const haskovo = sample(highlights, 'highlight-haskovo-workshop');
const report = sample(highlights, 'highlight-transnational-report');
const budgeting = sample(practices, 'practice-participatory-budgeting-bg');

let stack: EmbeddedStack;
let test: TestStack;
let browser: Browser;
let page: Page;
let token: string;
let issueId: string;

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${stack.urls.api}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
  });

beforeAll(async () => {
  const [started, launched] = await Promise.all([
    startTestStack('e2e-editor', { adminToken: 'e2e-admin-token-0123456789', authOrigin: AUTH }),
    launchChromium(),
  ]);
  test = started;
  stack = test.stack;
  browser = launched;
  token = stack.editorToken;
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
});

afterAll(async () => {
  await browser?.close();
  await test?.dispose();
});

/** The preview frame of one width once it shows the edition in `lang`. */
async function previewFrame(name: 'Phone' | 'Desktop', lang: string) {
  await page.locator(`iframe[title="${name} preview"][data-loaded-lang="${lang}"]`).waitFor();
  return page.frameLocator(`iframe[title="${name} preview"]`);
}

describe('the editor web app', () => {
  it('signs in with a pasted token and shows who is signed in', async () => {
    const me = (await (await api('/api/me')).json()) as { sub: string; email?: string };
    await page.goto(`${stack.urls.api}/editor/`);
    await page.getByLabel('Access token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Issues' }).waitFor();
    expect(await page.locator('#user').innerText()).toContain(me.email ?? me.sub);
  });

  it('composes a new issue from picked records in three languages and saves it', async () => {
    await page.getByRole('link', { name: 'New issue' }).click();
    await page.getByLabel('Title', { exact: true }).fill(ISSUE.title);
    for (const lang of ['en', 'bg', 'el'] as const) {
      await page
        .getByRole('tab', { name: new RegExp(`^${{ en: 'English', bg: 'Bulgarian', el: 'Greek' }[lang]}`) })
        .click();
      await page.getByLabel('Subject').fill(ISSUE.subject[lang]);
      await page.getByLabel('Intro').fill(ISSUE.intro[lang]);
    }
    expect(await page.getByRole('tab', { name: /^Greek/ }).getAttribute('data-state')).toBe('complete');

    const addSection = async (type: string) => {
      await page.getByLabel('New section type').selectOption(type);
      await page.getByRole('button', { name: 'Add section' }).click();
    };
    const pick = async (section: number, what: string, id: string) => {
      const card = page.locator('.section-card').nth(section - 1);
      await card.getByLabel(`Add ${what} to section ${section}`).selectOption(id);
      await card.getByRole('button', { name: 'Add', exact: true }).click();
    };
    await addSection('highlights');
    await pick(1, 'a highlight', report.id);
    await pick(1, 'a highlight', haskovo.id);
    await page.getByRole('button', { name: `Move “${haskovo.title.en}” up` }).click();
    await addSection('practices');
    await pick(2, 'a best practice', budgeting.id);

    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.waitForURL(/#\/issues\/(?!new\/)[^/]+\/compose$/);
    issueId = decodeURIComponent(/#\/issues\/([^/]+)\//.exec(page.url())![1]!);
    await page.getByText('Issue saved').waitFor();

    const saved = (await (await api(`/api/issues/${encodeURIComponent(issueId)}`)).json()) as Record<string, unknown>;
    expect(saved).toMatchObject({
      title: ISSUE.title,
      subject: ISSUE.subject,
      intro: ISSUE.intro,
      status: 'draft',
      sections: [
        { type: 'highlights', items: [haskovo.id, report.id] },
        { type: 'practices', items: [budgeting.id] },
      ],
    });
  });

  it('previews the issue in Bulgarian and in Greek at phone and desktop width', async () => {
    await page.getByRole('link', { name: 'Preview' }).click();
    const expected = [
      { lang: 'bg', name: 'Bulgarian', subject: ISSUE.subject.bg, title: haskovo.title.bg! },
      { lang: 'el', name: 'Greek', subject: ISSUE.subject.el, title: report.title.el! },
    ];
    for (const { lang, name, subject, title } of expected) {
      await page.getByRole('radio', { name: new RegExp(`^${name}`) }).check();
      for (const width of ['Phone', 'Desktop'] as const) {
        const frame = await previewFrame(width, lang);
        expect(await frame.locator('html').getAttribute('lang')).toBe(lang);
        const text = await frame.locator('body').innerText();
        expect(text).toContain(subject);
        expect(text).toContain(title);
      }
      if (lang === 'bg') await page.screenshot({ path: SCREENSHOT });
    }

    await page.getByLabel('Plain text').check();
    await page.locator('pre.preview-text', { hasText: ISSUE.subject.el }).waitFor();
  });

  it('sends a test, schedules and cancels, then sends with English fallback and shows the progress', async () => {
    await page.getByRole('link', { name: 'Test and send' }).click();
    await page.getByLabel('Email address').fill('tester@example.com');
    await page.getByLabel('Language', { exact: true }).selectOption('bg');
    await page.getByRole('button', { name: 'Send test' }).click();
    await page.getByText('Test email in Bulgarian sent to tester@example.com').waitFor();

    const at = page.getByLabel('Or schedule for');
    await at.fill('2020-01-15T09:30');
    await page.getByRole('button', { name: 'Schedule' }).click();
    await page.locator('[aria-live="assertive"]', { hasText: 'The issue was not scheduled' }).waitFor();
    expect(await at.getAttribute('aria-invalid')).toBe('true');

    // A week from now, in the browser's local time as a datetime-local input takes it.
    const nextWeek = new Date(Date.now() + 7 * 24 * 3600_000);
    const local = new Date(nextWeek.getTime() - nextWeek.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await at.fill(local);
    await page.getByRole('button', { name: 'Schedule', exact: true }).click();
    await page.getByRole('button', { name: 'Schedule anyway with English fallback' }).click();
    await page.getByRole('button', { name: 'Cancel the scheduled send' }).click();
    await page.getByText('The scheduled send was cancelled; the issue is a draft again.').waitFor();

    await page.getByRole('button', { name: 'Send now…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Send now' }).click();
    await page.getByText('Some languages have translation gaps.').waitFor();
    await page.getByRole('button', { name: 'Send anyway with English fallback' }).click();

    const progress = page.getByRole('region', { name: 'Status and progress' });
    await progress.locator('.status-sent').waitFor({ timeout: 20_000 });
    const figure = async (name: string) =>
      Number((await progress.locator(`.figure-${name} dd`).innerText()).replace(/\D/g, ''));
    const recipients = await figure('recipients');
    expect(recipients).toBeGreaterThan(0);
    expect((await figure('sent')) + (await figure('failed'))).toBe(recipients);
    expect(await figure('pending')).toBe(0);

    // One row per (country, language), named in words, with the API's figures.
    const languageName = new Intl.DisplayNames(['en'], { type: 'language' });
    const { progress: sent } = (await (await api(`/api/issues/${encodeURIComponent(issueId)}`)).json()) as {
      progress: { bySegment: ({ key: string } & Record<string, number>)[] };
    };
    expect(sent.bySegment.length).toBeGreaterThan(1);
    const segments = progress.getByRole('table', { name: 'Per country and language' });
    expect(await segments.locator('tbody tr').count()).toBe(sent.bySegment.length);
    for (const row of sent.bySegment) {
      const [country, lang] = row.key.split('/') as [string, string];
      const shown = segments.locator(`tr[data-segment="${row.key}"]`);
      expect(await shown.getByRole('rowheader').innerText()).toBe(secon.countryName(country));
      expect(await shown.locator('td').first().innerText()).toBe(languageName.of(lang));
      for (const field of ['recipients', 'sent', 'failed', 'skipped']) {
        const text = await shown.locator(`td[data-field=${field}]`).innerText();
        expect(Number(text.replace(/\D/g, '')), `${row.key} ${field}`).toBe(row[field]);
      }
    }
  });

  it('shows the API’s error and highlights the field it names when an issue has no title', async () => {
    const draft = {
      title: '',
      subject: { en: 'No title yet' },
      intro: { en: 'An issue without a title.' },
      sections: [],
    };
    const refused = await api('/api/issues', { method: 'POST', body: JSON.stringify(draft) });
    expect(refused.status).toBe(400);
    const { error } = (await refused.json()) as { error: { message: string; field: string } };
    expect(error.field).toBe('title');

    await page.goto(`${stack.urls.api}/editor/#/issues/new`);
    await page.getByLabel('Subject').fill(draft.subject.en);
    await page.getByLabel('Intro').fill(draft.intro.en);
    await page.getByRole('button', { name: 'Save draft' }).click();

    const alert = page.locator('[aria-live="assertive"]', { hasText: error.message });
    await alert.waitFor();
    expect(await alert.innerText()).toContain('Field: title');
    const title = page.getByLabel('Title', { exact: true });
    expect(await title.getAttribute('aria-invalid')).toBe('true');
    expect(await title.evaluate((element) => element === document.activeElement)).toBe(true);
    expect(page.url()).toMatch(/#\/issues\/new$/);
  });

  it('returns to the sign-in screen with a message when the token is refused', async () => {
    await page.evaluate(() => sessionStorage.setItem('herald.editor.token', 'not-a-valid-token'));
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in to the editor' }).waitFor();
    expect(await page.getByRole('status').first().innerText()).toMatch(/sign in again/i);
  });

  it('offers the languages, countries and regions the server’s reference data names, and keeps no copy', async () => {
    const tab = await (await browser.newContext()).newPage();
    // The server's answer with one more country: the record form offers it, so the app holds no list of its own.
    await tab.route('**/api/reference', async (route) => {
      const reference = (await (await route.fetch()).json()) as { countries: object[] };
      reference.countries.push({ code: 'IS', name: 'Iceland', language: 'en', regions: ['Reykjavik'] });
      await route.fulfill({ json: reference });
    });
    await tab.goto(`${stack.urls.api}/editor/#/records/highlights/new`);
    await tab.getByLabel('Access token').fill(token);
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await tab.getByLabel('Country').selectOption('IS');
    const regions = await tab.getByLabel('Region').locator('option').allInnerTexts();
    expect(regions).toEqual(['No region', 'Reykjavik', 'Other']);
    const languages = await tab
      .getByRole('tab')
      .evaluateAll((tabs) => tabs.map((t) => (t as HTMLElement).dataset.lang));
    expect(languages).toEqual([...LANGUAGES]);
    await tab.getByRole('tab', { name: /^Latvian, no text yet$/ }).click();
    await tab.context().close();
  });
});

describe('the editor web app with a /herald-config.json, as in AWS', () => {
  it('says where tokens come from when the user pool has no hosted sign-in domain', async () => {
    const tab = await tabWith(browser, COGNITO);
    await tab.goto(`${stack.urls.api}/editor/`);
    expect(await tab.locator('.hint').innerText()).toContain(`Amazon Cognito ${COGNITO.userPoolId}`);
    await tab.context().close();
  });

  it('signs in through the hosted UI with PKCE, back on the same screen, and signs out there too', async () => {
    const tab = await tabWith(browser, { ...COGNITO, authDomainUrl: AUTH });
    const editorUrl = `${stack.urls.api}/editor/`;
    const sent = await standInHostedUi(tab, { idToken: token, apiOrigin: stack.urls.api });

    await tab.goto(`${editorUrl}#/records/practices`);
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await tab.getByRole('heading', { level: 1, name: 'Records' }).waitFor();
    expect(tab.url()).toBe(`${editorUrl}#/records/practices`);
    expect(Object.fromEntries(sent.authorize)).toMatchObject({
      response_type: 'code',
      client_id: COGNITO.userPoolClientId,
      redirect_uri: editorUrl,
      scope: 'openid email profile',
      code_challenge_method: 'S256',
    });
    expect(Object.fromEntries(sent.token)).toMatchObject({
      grant_type: 'authorization_code',
      client_id: COGNITO.userPoolClientId,
      code: 'e2e-code',
      redirect_uri: editorUrl,
    });
    const verifier = sent.token.get('code_verifier')!;
    expect(createHash('sha256').update(verifier).digest('base64url')).toBe(sent.authorize.get('code_challenge'));

    await tab.getByRole('button', { name: 'Sign out' }).click();
    await tab.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(tab.url()).toBe(editorUrl);
    expect(Object.fromEntries(sent.logout)).toEqual({ client_id: COGNITO.userPoolClientId, logout_uri: editorUrl });
    expect(await tab.evaluate(() => sessionStorage.getItem('herald.editor.token'))).toBeNull();

    // A code this tab did not ask for (forged or stale) is not redeemed.
    sent.token = new URLSearchParams();
    await tab.goto(`${editorUrl}?code=forged-code&state=forged-state`);
    await tab.getByText('That sign-in was not started in this tab.').waitFor();
    expect(tab.url()).toBe(editorUrl);
    expect(sent.token.size).toBe(0);
    await tab.context().close();
  });
});
