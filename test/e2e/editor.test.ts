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
    // The dashboard and the archive (in the source language) are a click away.
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link', { name: 'Dashboard' }).getAttribute('href')).toBe('/dashboard/');
    expect(await nav.getByRole('link', { name: 'Archive' }).getAttribute('href')).toBe('/archive/en/');
    expect((await fetch(`${stack.urls.api}/archive/en/`)).status).toBe(200);
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

  it('saves a draft as one types, says so, and refuses in plain words a save another tab has overtaken', async () => {
    await page.getByRole('tab', { name: /^Greek/ }).click();
    const intro = page.getByLabel('Intro');
    await intro.fill(`${ISSUE.intro.el} Αλλαγή.`);
    const state = page.locator('.save-state');
    await state.getByText(/^Saved at \d\d:\d\d\.$/).waitFor();
    const url = `/api/issues/${encodeURIComponent(issueId)}`;
    const saved = (await (await api(url)).json()) as { intro: Record<string, string>; version: number };
    expect(saved.intro.el).toBe(`${ISSUE.intro.el} Αλλαγή.`);
    await intro.fill(ISSUE.intro.el);
    await state.getByText(/^Saved at/).waitFor();
    await expect.poll(async () => ((await (await api(url)).json()) as typeof saved).intro.el).toBe(ISSUE.intro.el);

    // Another tab saves first: this one's next save is refused, and it says what to do.
    const current = (await (await api(url)).json()) as Record<string, unknown> & { version: number };
    const { title, subject, intro: texts, sections, version } = current;
    const elsewhere = { title, subject, intro: texts, sections, preheader: { en: 'Written in another tab' }, version };
    expect((await api(url, { method: 'PUT', body: JSON.stringify(elsewhere) })).status).toBe(200);
    await page.getByLabel('Subject').fill(`${ISSUE.subject.el}!`);
    await state.getByText('Not saved: changed elsewhere. Reload to continue.').waitFor();
    await page.getByText('this issue was changed in another tab or by another editor').waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Reload the issue' }).click();
    await page.getByRole('heading', { level: 1, name: ISSUE.title }).waitFor();
    expect(await page.getByLabel('Preheader').inputValue()).toBe('Written in another tab');
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

  it('links each translation gap to its record’s field and shows the subscribers per language', async () => {
    await page.getByRole('link', { name: /^Translations/ }).click();
    const greek = page.locator('.translation-cell[data-lang="el"]');
    const { byLanguage: subscribers } = (await (
      await api(`/api/issues/${encodeURIComponent(issueId)}/audience`)
    ).json()) as { byLanguage: Record<string, number> };
    await greek.getByText(`${subscribers.el} subscribers`).waitFor();
    await page.locator('.translation-cell[data-lang="bg"]').getByText(`${subscribers.bg} subscribers`).waitFor();

    await greek.getByRole('link', { name: 'title in Greek' }).first().click();
    await page.waitForURL(/#\/records\/highlights\/highlight-haskovo-workshop\/el\/title$/);
    await page.getByRole('heading', { level: 1, name: haskovo.title.en }).waitFor();
    expect(await page.getByRole('tab', { name: /^Greek/ }).getAttribute('aria-selected')).toBe('true');
    await expect
      .poll(() =>
        page.evaluate(() => {
          const active = document.activeElement as HTMLElement;
          return `${active.dataset.field}/${active.lang}`;
        }),
      )
      .toBe('title/el');
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: ISSUE.title }).waitFor();
  });

  it('shows who gets the issue before sending, asks for English fallback in plain words, and never starts on Send', async () => {
    await page.getByRole('link', { name: 'Test and send' }).click();
    await page.getByLabel('Email address').fill('tester@example.com');
    await page.getByLabel('Language', { exact: true }).selectOption('bg');
    await page.getByRole('button', { name: 'Send test' }).click();
    await page.getByText('Test email in Bulgarian sent to tester@example.com').waitFor();

    // A time in the past: the dialog says nothing was sent, and the field is marked.
    const at = page.getByLabel('Or schedule for');
    await at.fill('2020-01-15T09:30');
    await page.getByRole('button', { name: 'Schedule…' }).click();
    const dialog = page.getByRole('dialog');
    const fallback = dialog.getByLabel('Send the English text where a translation is missing', { exact: false });
    await fallback.waitFor();
    expect(await dialog.innerText()).not.toContain('allowFallback');
    await fallback.check();
    await dialog.getByRole('button', { name: /^Schedule to \d+ recipients$/ }).click();
    await dialog.getByText('Nothing was sent.').waitFor();
    expect(await at.getAttribute('aria-invalid')).toBe('true');
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    // A week from now, in the browser's local time as a datetime-local input takes it.
    const nextWeek = new Date(Date.now() + 7 * 24 * 3600_000);
    const local = new Date(nextWeek.getTime() - nextWeek.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await at.fill(local);
    await page.getByRole('button', { name: 'Schedule…' }).click();
    await fallback.check();
    await dialog.getByRole('button', { name: /^Schedule to/ }).click();
    await page.getByRole('button', { name: 'Cancel the scheduled send' }).click();
    await page.getByText('The scheduled send was cancelled; the issue is a draft again.').waitFor();

    const sends: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/send')) sends.push(request.url());
    });
    await page.getByRole('button', { name: 'Send now…' }).click();
    await fallback.waitFor();
    // Recipients per language, before anything is sent; the focus is on the choice, not on a button that sends.
    const { byLanguage: subscribers } = (await (
      await api(`/api/issues/${encodeURIComponent(issueId)}/audience`)
    ).json()) as { byLanguage: Record<string, number> };
    const total = Object.values(subscribers).reduce((sum, n) => sum + n, 0);
    expect(await dialog.locator('tr[data-lang="bg"] td').innerText()).toBe(String(subscribers.bg));
    expect(await dialog.locator('td[data-total]').innerText()).toBe(String(total));
    expect(await dialog.locator('.send-gaps').innerText()).toMatch(
      /Latvian: subject, preheader, intro; \d+ texts in records/,
    );
    expect(await fallback.evaluate((element) => element === document.activeElement)).toBe(true);
    // Without the choice made, Send marks it and sends nothing.
    const send = dialog.getByRole('button', { name: `Send to ${total} recipients` });
    await send.click();
    expect(await fallback.getAttribute('aria-invalid')).toBe('true');
    expect(sends).toEqual([]);
    await fallback.check();
    await send.click();

    const progress = page.getByRole('region', { name: 'Status and progress' });
    await progress.locator('.status-sent').waitFor({ timeout: 20_000 });
    expect(sends).toHaveLength(1);
    // The send's message goes when it ends.
    await page.getByRole('status').filter({ hasText: 'Sending to' }).waitFor({ state: 'detached' });
    const figure = async (name: string) =>
      Number((await progress.locator(`.figure-${name} dd`).innerText()).replace(/\D/g, ''));
    const recipients = await figure('recipients');
    expect(recipients).toBe(total);
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

  it('duplicates a sent issue as a new draft, and deletes that draft', async () => {
    await page.getByRole('button', { name: 'Duplicate' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Duplicate' }).click();
    await page.getByRole('heading', { level: 1, name: `${ISSUE.title} (copy)` }).waitFor();
    await page.getByText(`This is a copy of “${ISSUE.title}”.`).waitFor();
    const copyId = decodeURIComponent(/#\/issues\/([^/]+)\//.exec(page.url())![1]!);
    const copy = (await (await api(`/api/issues/${encodeURIComponent(copyId)}`)).json()) as Record<string, unknown>;
    expect(copy).toMatchObject({ status: 'draft', subject: ISSUE.subject, intro: ISSUE.intro });

    await page.getByRole('button', { name: 'Delete draft' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete draft' }).click();
    await page.getByRole('heading', { level: 1, name: 'Issues' }).waitFor();
    await page.getByText(`Deleted the draft “${ISSUE.title} (copy)”.`).waitFor();
    expect((await api(`/api/issues/${encodeURIComponent(copyId)}`)).status).toBe(404);
    expect(await page.getByRole('link', { name: `${ISSUE.title} (copy)` }).count()).toBe(0);
  });

  it('asks for the number of recipients to be typed before a send of more than a thousand', async () => {
    const draft = (await (
      await api('/api/issues', {
        method: 'POST',
        body: JSON.stringify({ ...ISSUE, title: 'E2E: a large send', sections: [] }),
      })
    ).json()) as { id: string };
    const sends: string[] = [];
    const tab = await (await browser.newContext()).newPage();
    tab.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/send')) sends.push(request.url());
    });
    // The audience as a large project would have it.
    await tab.route('**/api/issues/*/audience', (route) =>
      route.fulfill({ json: { total: 12_345, byLanguage: { en: 12_000, bg: 345 }, byCountry: {}, excluded: {} } }),
    );
    await tab.goto(`${stack.urls.api}/editor/#/issues/${draft.id}/send`);
    await tab.getByLabel('Access token').fill(token);
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await tab.getByRole('button', { name: 'Send now…' }).click();
    const dialog = tab.getByRole('dialog');
    const typed = dialog.getByLabel('Number of recipients');
    await typed.waitFor();
    // Focus starts on the number to type, never on the button that sends.
    await expect.poll(() => typed.evaluate((element) => element === document.activeElement)).toBe(true);
    await typed.fill('1234');
    await typed.press('Enter');
    await dialog.getByText('Type 12,345, the number of recipients, to confirm.').waitFor();
    expect(await typed.getAttribute('aria-invalid')).toBe('true');
    await dialog.getByRole('button', { name: 'Send to 12,345 recipients' }).click();
    expect(sends).toEqual([]);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(sends).toEqual([]);
    await tab.context().close();
  });

  it('shows every error at once next to its field, marks the language tabs, and takes each away when fixed', async () => {
    const empty = await api('/api/highlights', {
      method: 'POST',
      body: JSON.stringify({ title: { bg: 'x'.repeat(201) }, summary: {}, body: {} }),
    });
    const { error } = (await empty.json()) as { error: { fields: { field: string }[] } };
    expect(error.fields.map((f) => f.field)).toEqual(
      expect.arrayContaining(['country', 'place', 'startDate', 'title', 'title.bg', 'summary', 'body']),
    );

    await page.goto(`${stack.urls.api}/editor/#/records/highlights/new`);
    await page.getByRole('tab', { name: /^Bulgarian/ }).click();
    await page.getByLabel('Title').fill('x'.repeat(201));
    await page.getByRole('button', { name: 'Create highlight' }).click();
    const alert = page.locator('[aria-live="assertive"]');
    await alert.getByText(`${error.fields.length} fields need attention`).waitFor();
    const text = await alert.innerText();
    expect(text).toContain('Country: This is required.');
    expect(text).toContain('Title (Bulgarian): This is longer than 200 characters.');
    expect(text).not.toMatch(/Invalid|expected|Field:/);
    // The summary is under the form, not over it; the first field has the focus.
    const country = page.getByLabel('Country');
    expect(await country.getAttribute('aria-invalid')).toBe('true');
    expect(await country.evaluate((element) => element === document.activeElement)).toBe(true);
    const english = page.getByRole('tab', { name: /^English/ });
    const bulgarian = page.getByRole('tab', { name: /^Bulgarian/ });
    expect(await english.getAttribute('data-error')).toBe('');
    expect(await bulgarian.getAttribute('data-error')).toBe('');
    expect(await bulgarian.textContent()).toContain('has errors');

    // Fixing a field takes its error away, from the field, the summary and, with the last, the tab.
    await country.selectOption('BG');
    expect(await country.getAttribute('aria-invalid')).toBeNull();
    expect(await alert.innerText()).not.toContain('Country:');
    await alert.getByRole('link', { name: 'Title (Bulgarian)' }).click();
    expect(await bulgarian.getAttribute('aria-selected')).toBe('true');
    const title = page.getByLabel('Title');
    expect(await title.getAttribute('aria-invalid')).toBe('true');
    await title.fill('Семинар');
    expect(await title.getAttribute('aria-invalid')).toBeNull();
    expect(await bulgarian.getAttribute('data-error')).toBeNull();
    expect(await alert.innerText()).not.toContain('Title (Bulgarian)');
    expect(await english.getAttribute('data-error')).toBe('');

    // Unsaved work: an in-app link asks first; staying keeps everything as it was.
    await page.getByRole('link', { name: 'Issues', exact: true }).click();
    const leave = page.getByRole('dialog', { name: 'Leave without saving?' });
    await leave.getByRole('button', { name: 'Stay and keep editing' }).click();
    expect(page.url()).toMatch(/#\/records\/highlights\/new$/);
    expect(await title.inputValue()).toBe('Семинар');
    // Signing out is a way out too.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await leave.getByRole('button', { name: 'Stay and keep editing' }).click();
    expect(await title.inputValue()).toBe('Семинар');
    await page.getByRole('link', { name: 'Issues', exact: true }).click();
    await leave.getByRole('button', { name: 'Leave without saving' }).click();
    await page.getByRole('heading', { level: 1, name: 'Issues' }).waitFor();
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

    const alert = page.locator('[aria-live="assertive"]', { hasText: 'Title: This must not be empty.' });
    await alert.waitFor();
    const title = page.getByLabel('Title', { exact: true });
    expect(await title.getAttribute('aria-invalid')).toBe('true');
    expect(await title.evaluate((element) => element === document.activeElement)).toBe(true);
    expect(page.url()).toMatch(/#\/issues\/new$/);
  });

  it('returns to the sign-in screen with a message when the token is refused', async () => {
    // The issue typed in the test before is not saved: reloading asks first (the browser's own question).
    const asked: string[] = [];
    page.once('dialog', (dialog) => {
      asked.push(dialog.type());
      void dialog.accept();
    });
    await page.evaluate(() => sessionStorage.setItem('herald.editor.token', 'not-a-valid-token'));
    await page.reload();
    expect(asked).toEqual(['beforeunload']);
    await page.getByRole('heading', { name: 'Sign in to the editor' }).waitFor();
    expect(await page.getByRole('status').first().innerText()).toMatch(/sign in again/i);
  });

  it('fits every view, and the send dialog, in 320 px without scrolling sideways', async () => {
    const narrow = await browser.newPage({ viewport: { width: 320, height: 640 } });
    await narrow.goto(`${stack.urls.api}/editor/`);
    await narrow.getByLabel('Access token').fill(token);
    await narrow.getByRole('button', { name: 'Sign in' }).click();
    await narrow.getByRole('heading', { level: 1, name: 'Issues' }).waitFor();
    const issue = encodeURIComponent(issueId);
    const views = [
      ['#/issues', 'table'],
      ['#/issues/new', '.section-card, .sections'],
      [`#/issues/${issue}/compose`, '.lang-tabs'],
      [`#/issues/${issue}/translations`, '.readers:not(:empty)'],
      [`#/issues/${issue}/preview`, 'iframe[data-loaded-lang]'],
      [`#/issues/${issue}/send`, '.segment-table'],
      ['#/records/highlights', 'table'],
      ['#/records/practices', 'table'],
      ['#/records/highlights/new', '.lang-tabs'],
      [`#/records/practices/${budgeting.id}`, '.link-list'],
    ] as const;
    for (const [view, shown] of views) {
      await narrow.goto(`${stack.urls.api}/editor/${view}`);
      await narrow.locator(shown).first().waitFor();
      expect(await narrow.evaluate(() => document.documentElement.scrollWidth), view).toBeLessThanOrEqual(320);
    }
    await narrow.goto(`${stack.urls.api}/editor/#/issues/secon-newsletter-5/send`);
    await narrow.getByRole('button', { name: 'Send now…' }).click();
    await narrow.getByRole('dialog').locator('td[data-total]').waitFor();
    expect(await narrow.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    await narrow.close();
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
