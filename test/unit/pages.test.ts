import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  PAGE_NAMES,
  createPageRenderer,
  type PageName,
  type PageRenderer,
} from '../../functions/adapters/page-renderer.ts';
import { COUNTRY_CODES, LANGUAGES, riverwise, secon } from '../support/profile.ts';
import { referenceOf } from '../../functions/domain/reference.ts';
import type { RecordView } from '../../functions/domain/archive.ts';
import { EU_EMBLEM, FUNDING_STATEMENTS, type EuLanguage } from '../../contracts/eu-funding.ts';
import { contrastRatio } from '../../contracts/profile.ts';

const negotiateLanguage = secon.negotiateLanguage;

const assetsDir = fileURLToPath(new URL('../../', import.meta.url));

/** Every key of a namespace, without plural suffixes: what i18next would print if a text were missing. */
function keysOf(namespace: string): string[] {
  const english = JSON.parse(readFileSync(new URL(`../../locales/en/${namespace}.json`, import.meta.url), 'utf8'));
  const walk = (node: object, prefix: string): string[] =>
    Object.entries(node).flatMap(([key, value]) =>
      typeof value === 'object' && value !== null ? walk(value, `${prefix}${key}.`) : [`${prefix}${key}`],
    );
  return [...new Set(walk(english, '').map((key) => key.replace(/_(zero|one|two|few|many|other)$/, '')))];
}

const aRecordView: RecordView = {
  kind: 'practice',
  issueId: 'issue-2',
  language: 'en',
  issueSubject: { text: 'The second issue', fallback: false },
  title: { text: 'A practice', fallback: false },
  summary: { text: 'What it is about.', fallback: false },
  dates: { start: '2026-03-05', end: '2026-04-01' },
  organisation: { name: 'An association', type: 'NGO' },
  where: { region: 'Haskovo', country: 'BG' },
  texts: [
    { name: 'details', text: { text: 'How **it** works.', fallback: false } },
    { name: 'resources', text: { text: 'People.', fallback: true } },
    { name: 'results', text: { text: 'Results.', fallback: false } },
    { name: 'transfer', text: { text: 'Anywhere.', fallback: false } },
  ],
  links: ['https://practice.example/'],
};

const views: Record<PageName, Record<string, unknown>> = {
  signup: {},
  'signup-done': {},
  confirm: { confirmActionUrl: '/api/subscribe/confirm?token=tok' },
  confirmed: { preferencesUrl: '/preferences/tok' },
  'token-error': { reason: 'expired' },
  unsubscribe: { actionUrl: '/unsubscribe/tok' },
  unsubscribed: { preferencesUrl: '/preferences/tok' },
  preferences: {
    email: 'ana@example.org',
    values: { language: 'pt', country: 'PT', region: 'Oliveira de Azeméis', topics: ['events', 'funding'] },
    preferencesActionUrl: '/preferences/tok',
    exportUrl: '/api/preferences/tok/export',
    eraseActionUrl: '/preferences/tok/erase',
    unsubscribeUrl: '/unsubscribe/tok',
    saved: true,
  },
  error: {},
  'archive-index': {
    entries: [
      {
        issueId: 'issue-2',
        subject: { text: 'The second issue', fallback: false },
        summary: { text: 'Summary', fallback: false },
        publishedAt: '2026-11-02T08:00:00.000Z',
        updatedAt: '2026-11-02T09:00:00.000Z',
      },
    ],
  },
  record: { record: aRecordView },
  privacy: {},
  accessibility: {},
  'not-found': {},
};

let renderer: PageRenderer;
beforeAll(async () => {
  renderer = await createPageRenderer(assetsDir, secon, { validation: 'strict' });
});

describe('public pages', () => {
  const pageKeys = keysOf('pages');

  describe.each(LANGUAGES)('in %s', (language) => {
    it.each(PAGE_NAMES)('renders the %s page with its language and every text', (name) => {
      const html = renderer.page(name, language, views[name]);
      expect(html).toMatch(new RegExp(`^<!doctype html>\\s*<html lang="${language}" dir="ltr">`));
      for (const key of pageKeys) expect(html, key).not.toContain(key);
      expect(html).not.toMatch(/<script/i);
    });
  });

  it('offers the signup form with its fields, the honeypot and the consent', () => {
    const html = renderer.page('signup', 'bg', {});
    expect(html).toContain('<form method="post" action="/api/subscribe"');
    expect(html).toMatch(/<input type="email" id="email" name="email" value="" required/);
    // Where consent came from is the server's to say: the form does not claim it.
    expect(html).not.toContain('name="form"');
    expect(html).toMatch(
      /<div class="website-field">\s*<label for="website">[^<]+<\/label>\s*<input type="text" id="website" name="website" value="" tabindex="-1" autocomplete="off">/,
    );
    expect(html).toContain('<input type="checkbox" id="consent" name="consent" value="true" required>');
    expect(html).toContain(renderer.consentText('bg').text);
    for (const topic of ['events', 'practices', 'policy', 'funding']) {
      expect(html).toContain(`name="topics" value="${topic}"`);
    }
  });

  it('preselects the page language and names countries in it', () => {
    const html = renderer.page('signup', 'bg', {});
    expect(html).toContain('<option value="bg" lang="bg" selected>Български</option>');
    expect(html).toContain('<option value="BG">България</option>');
    expect(html).toContain('<option value="de" lang="de">Deutsch</option>');
  });

  it('lists each country’s regions and "other" in one optgroup per country', () => {
    const html = renderer.page('signup', 'en', {});
    const groups = [...html.matchAll(/<optgroup label="([^"]+)">([\s\S]*?)<\/optgroup>/g)];
    expect(groups).toHaveLength(COUNTRY_CODES.length);
    for (const [, , options] of groups) expect(options).toContain('<option value="other">');
    expect(html).toContain('<optgroup label="Bulgaria">\n<option value="Haskovo">Haskovo</option>');
    expect(html).toContain('<option value="Oliveira de Azeméis">');
  });

  it("offers another project's languages, countries, regions and topics in the page's language, and no SECON", async () => {
    const theirs = await createPageRenderer(assetsDir, riverwise, { validation: 'strict' });
    const html = theirs.page('signup', 'hu', {});
    expect([...html.matchAll(/<option value="([a-z]{2})" lang=/g)].map((m) => m[1])).toEqual(['en', 'de', 'hu', 'ro']);
    expect([...html.matchAll(/<optgroup label="([^"]+)">/g)].map((m) => m[1]).sort()).toEqual(
      ['Ausztria', 'Írország', 'Moldova', 'Szlovákia'].sort(),
    );
    expect(html).toContain('<option value="Nitra Region">Nyitrai kerület</option>');
    expect(html).toContain('<label for="topic-flood-resilience">Árvízi ellenálló képesség</label>');
    expect(html).toContain('RIVERWISE');
    expect(html).not.toMatch(/SECON|Haskovo|Bulgária/);
  });

  it('leaves the topics out of the form of a project that offers none', async () => {
    const reference = referenceOf({ ...riverwise.profile, topics: [] });
    const html = (await createPageRenderer(assetsDir, reference)).page('signup', 'en', {});
    expect(html).not.toContain('name="topics"');
    expect(html).toContain('name="region"');
  });

  it('shows a previous attempt again with its error next to the field', () => {
    const html = renderer.page('signup', 'de', {
      values: { email: 'ana@example', country: 'PT', region: 'other', topics: 'policy', consent: 'true' },
      error: { field: 'email', code: 'email' },
    });
    expect(html).toContain('<p class="error" id="email-error">Bitte geben Sie eine gültige E-Mail-Adresse ein');
    expect(html).toContain('aria-invalid="true" aria-describedby="email-error" autofocus');
    expect(html).toContain('value="ana@example"');
    expect(html).toContain('<option value="PT" selected>');
    expect(html.match(/<option value="other" selected>/g)).toHaveLength(1);
    expect(html).toContain('value="policy" checked');
    expect(html).not.toContain('value="events" checked');
    expect(html).toMatch(/name="consent" value="true" required checked/);
  });

  it('escapes what the visitor typed', () => {
    const html = renderer.page('signup', 'en', {
      values: { email: '"><script>alert(1)</script>' },
      error: { field: 'form', message: '<b>nope</b>' },
    });
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<p class="error" role="alert">&lt;b&gt;nope&lt;/b&gt;</p>');
  });

  it('links every language to the same page, keeping the query it needs', () => {
    const html = renderer.page('confirmed', 'el', { languageLinks: { query: { token: 'a&b' } } });
    expect(html).toContain('<a href="?token&#x3D;a%26b&amp;lang&#x3D;ro" lang="ro" hreflang="ro">Română</a>');
    expect(html).toContain('hreflang="el" aria-current="true">Ελληνικά</a>');
    expect(renderer.page('error', 'en', { languageLinks: false })).not.toContain('class="languages"');
  });

  it('tells an expired link from an invalid one', () => {
    const expired = renderer.page('token-error', 'en', { reason: 'expired' });
    const invalid = renderer.page('token-error', 'en', { reason: 'invalid' });
    expect(expired).toContain('<h1>This link has expired</h1>');
    expect(invalid).toContain('<h1>This link is not valid</h1>');
    expect(invalid).toContain('<a href="/subscribe?lang&#x3D;en">Sign up again</a>');
  });

  it('confirms a subscription only through its button', () => {
    const html = renderer.page('confirm', 'hu', { confirmActionUrl: '/api/subscribe/confirm?token=a.b' });
    expect(html).toMatch(
      /<form method="post" action="\/api\/subscribe\/confirm\?token&#x3D;a.b"[^>]*>\s*<button type="submit">Feliratkozásom megerősítése<\/button>/,
    );
    expect(html).toContain('<meta name="robots" content="noindex">');
  });

  it('unsubscribes only through its button', () => {
    const html = renderer.page('unsubscribe', 'nl', { actionUrl: '/unsubscribe/tok' });
    expect(html).toMatch(
      /<form method="post" action="\/unsubscribe\/tok"[^>]*>\s*<input type="hidden" name="source" value="page">\s*<button type="submit">/,
    );
  });

  it('lets a subscriber change preferences, download the data and erase it', () => {
    const html = renderer.page('preferences', 'pt', views.preferences);
    expect(html).toContain('<span class="readonly">ana@example.org</span>');
    expect(html).toContain('<form method="post" action="/preferences/tok"');
    expect(html).toContain('<option value="Oliveira de Azeméis" selected>');
    expect(html).toContain('<option value="pt" lang="pt" selected>Português</option>');
    expect(html).toContain('<a href="/api/preferences/tok/export" download>');
    expect(html).toMatch(
      /<form method="post" action="\/preferences\/tok\/erase"[\s\S]*name="confirm" value="yes" required/,
    );
  });

  it('takes the preferences from the subscriber too', () => {
    const html = renderer.page('preferences', 'en', {
      ...views.preferences,
      email: undefined,
      values: undefined,
      subscriber: { email: 'ion@example.org', language: 'ro', country: 'RO', region: 'Harghita', topics: ['policy'] },
    });
    expect(html).toContain('<span class="readonly">ion@example.org</span>');
    expect(html).toContain('<option value="Harghita" selected>');
    expect(html).toContain('value="policy" checked');
    expect(html).not.toContain('value="events" checked');
  });

  it('asks apart from the consent, unticked, whether opens and clicks may be measured, in every language', () => {
    for (const language of LANGUAGES) {
      const html = renderer.page('signup', language, {});
      expect(html).toContain(
        '<input type="checkbox" id="tracking" name="tracking" value="true" aria-describedby="tracking-hint">',
      );
      expect(html).toContain(`<a href="/privacy?lang&#x3D;${language}#tracking">`);
      const consent = /<fieldset class="consent"[\s\S]*?<\/fieldset>/.exec(html)![0];
      expect(consent).not.toContain('tracking');
      expect(renderer.page('privacy', language, {})).toContain(
        `<h2 id="tracking">${renderer.text(language, 'privacy.trackingTitle')}</h2>`,
      );
    }
    // The newsletter consent no longer speaks of opens and clicks: that is the box's to ask.
    expect(renderer.consentText('en').text).not.toMatch(/\bopen|links/i);
    expect(renderer.page('signup', 'en', { values: { tracking: true } })).toMatch(/id="tracking"[^>]*checked/);
  });

  it('ticks the tracking box on the preferences page only for a subscriber who allowed it', () => {
    const page = (tracking?: boolean) =>
      renderer.page('preferences', 'en', {
        ...views.preferences,
        values: undefined,
        subscriber: { email: 'ion@example.org', language: 'ro', country: 'RO', region: 'Harghita', tracking },
      });
    expect(page(true)).toMatch(/id="tracking"[^>]*checked/);
    expect(page(false)).not.toMatch(/id="tracking"[^>]*checked/);
    expect(page(undefined)).not.toMatch(/id="tracking"[^>]*checked/);
  });

  it('keeps one consent version in every language', () => {
    const versions = new Set(LANGUAGES.map((language) => renderer.consentText(language).version));
    expect([...versions]).toEqual([renderer.consentText('en').version]);
    expect(renderer.consentText('pl').text).toContain('SECON');
  });
});

describe('the EU emblem, the funding statement and the logos on every page', () => {
  const statementOf = (reference: typeof secon, language: string) =>
    FUNDING_STATEMENTS[reference.profile.funding][language as EuLanguage];

  describe.each(LANGUAGES)('in %s', (language) => {
    it.each(PAGE_NAMES)(
      'shows them on the %s page, the statement as text in the language, the disclaimer apart',
      (name) => {
        const html = renderer.page(name, language, views[name]);
        const header = html.slice(html.indexOf('<header>'), html.indexOf('</header>'));
        // The emblem as it is drawn (75 × 50, never another file), the statement written out beside it.
        expect(header).toContain(
          `<div class="eu"><img src="/assets/eu/${EU_EMBLEM.files.svg}" width="75" height="50" alt="${renderer.text(language, 'layout.emblemAlt')}">` +
            `<p class="statement">${statementOf(secon, language)}</p></div>`,
        );
        // The other logos are never higher than the emblem.
        expect(header).toContain(
          '<img class="logo" src="/assets/project/interreg-europe-logo.sample.png" height="50" alt="Interreg Europe">',
        );
        expect(header).toContain(
          '<img class="logo" src="/assets/project/secon-logo.sample.png" height="50" alt="SECON">',
        );
        expect(html).toMatch(/\.logo \{[^}]*height: 50px;/);
        const footer = html.slice(html.indexOf('<footer'), html.indexOf('</footer>'));
        expect(footer).toContain(`<p class="disclaimer">${renderer.text(language, 'layout.disclaimer')}</p>`);
        expect(footer).not.toContain(statementOf(secon, language));
        for (const link of [
          `/archive/${language}/`,
          `/privacy?lang&#x3D;${language}`,
          `/accessibility?lang&#x3D;${language}`,
        ]) {
          expect(footer).toContain(`href="${link}"`);
        }
      },
    );
  });

  it("shows another project's logos, colours, font and funding in its pages, and nothing of SECON", async () => {
    const theirs = await createPageRenderer(assetsDir, riverwise, { validation: 'strict' });
    for (const name of PAGE_NAMES) {
      const html = theirs.page(name, 'ro', views[name]);
      expect(html).toContain(`<p class="statement">${statementOf(riverwise, 'ro')}</p>`);
      expect(html).toContain(
        'src="/assets/project/danube-programme-logo.sample.png" height="50" alt="Interreg Danube Region"',
      );
      expect(html).toContain('src="/assets/project/riverwise-logo.sample.png" height="50" alt="RIVERWISE"');
      expect(html).toContain('--accent: #1d6b4f;');
      expect(html).toContain('font: 1rem/1.55 Verdana, Arial, sans-serif;');
      expect(html, name).not.toMatch(/SECON|Interreg Europe|secon\.example|Peloponnese/);
    }
  });
});

describe('colours', () => {
  it("keeps the profile's colours at 4.5:1 on the header's and footer's grey, even at the edge of what a profile may choose", async () => {
    const edge = referenceOf({ ...secon.profile, colours: { primary: '#767676', text: '#777777' } });
    for (const reference of [secon, riverwise, edge]) {
      const html = (await createPageRenderer(assetsDir, reference, { validation: 'strict' })).page('signup', 'en', {});
      const [, ink, accent] = /\.top, \.bottom \{ --ink: (#[0-9a-f]{6}); --accent: (#[0-9a-f]{6}); \}/.exec(html)!;
      for (const colour of [ink!, accent!]) {
        for (const grey of ['#e4e7eb', '#f2f4f7']) expect(contrastRatio(colour, grey)).toBeGreaterThanOrEqual(4.5);
      }
    }
  });
});

describe('the archive, record and notice pages', () => {
  it('renders a record’s Markdown as paragraphs, emphasis, lists and http(s) links only, and escapes the rest', () => {
    const html = renderer.page('record', 'en', {
      record: {
        ...aRecordView,
        texts: [
          {
            name: 'details',
            text: {
              text: 'One **bold** _it_\n\n- [ok](https://ok.example/?a=1&b=2)\n- [bad](javascript:alert(1))\n\n<script>alert(1)</script> {{name}} ![i](https://x.example/i.png)',
              fallback: false,
            },
          },
        ],
      },
    });
    const main = html.slice(html.indexOf('<main>'), html.indexOf('</main>'));
    expect(main).toContain('<p>One <strong>bold</strong> <em>it</em></p>');
    expect(main).toContain('<li><a href="https://ok.example/?a=1&amp;b=2">ok</a></li>');
    expect(main).toContain('<li>[bad](javascript:alert(1))</li>');
    expect(main).toContain('&lt;script&gt;alert(1)&lt;/script&gt; {{name}}');
    expect(main).not.toMatch(/<script|javascript:alert\(1\)"|<img[^>]*x\.example/);
  });

  it('marks a text in the source language with its language, and says once which language that is', () => {
    const html = renderer.page('record', 'de', { record: aRecordView });
    expect(html).toContain('<div lang="en"><p>People.</p>');
    expect(html).toContain(
      '<p class="fallback">Teile dieser Seite sind noch nicht übersetzt: Sie werden auf Englisch angezeigt.</p>',
    );
    expect(html).toContain('<dt>Datum</dt><dd>5. März\u2009–\u20091. April 2026</dd>');
    expect(html).toContain('<dt>Ort</dt><dd>Haskovo, Bulgarien</dd>');
    expect(html).toContain('<dt>Organisation</dt><dd>An association (NGO)</dd>');
  });

  it("names the project's controller, contact, purposes and retention in the privacy notice, in each language", async () => {
    const theirs = await createPageRenderer(assetsDir, riverwise, { validation: 'strict' });
    const html = theirs.page('privacy', 'de', {});
    expect(html).toContain(
      '<address><strong>Danube Riverside Towns Association</strong><br>Donaulände 1, 3500 Krems, Austria</address>',
    );
    expect(html).toContain('<a href="mailto:privacy@riverwise.example">privacy@riverwise.example</a>');
    expect(html).toContain('<li>Ihnen den RIVERWISE-Newsletter in Ihrer Sprache zu senden.</li>');
    expect(html).toContain('höchstens 36 Monate nach Ihrer Abmeldung');
    // The retention in the language's own words for a number of months.
    expect(renderer.page('privacy', 'lv', {})).toContain('24 mēneši');
    expect(renderer.page('privacy', 'pl', {})).toContain('24 miesiące');
  });

  it("gives the accessibility statement the EU model's parts, with the profile's status, date and contact", async () => {
    const html = renderer.page('accessibility', 'en', {});
    const headings = [...html.matchAll(/<h2>([^<]+)<\/h2>/g)].map((m) => m[1]);
    expect(headings).toEqual([
      'Compliance status',
      'Non-accessible content',
      'Preparation of this statement',
      'Feedback and contact details',
      'Enforcement procedure',
    ]);
    expect(html).toContain('partially compliant with the harmonised standard EN 301 549');
    expect(html).toContain('This statement was prepared on November 30, 2026');
    expect(html).toContain('<a href="mailto:accessibility@secon.example">accessibility@secon.example</a>');
    // RIVERWISE gives no review date.
    const theirs = await createPageRenderer(assetsDir, riverwise, { validation: 'strict' });
    expect(theirs.page('accessibility', 'en', {})).toContain('This statement was prepared based on a self-assessment');
  });
});

describe('the Atom feed', () => {
  it("summarizes an issue by its introduction's Markdown as plain text, and by its preheader as written", () => {
    const entry = (issueId: string, text: string, summaryIsMarkdown: boolean) => ({
      issueId,
      subject: { text: 'News', fallback: false },
      summary: { text, fallback: false },
      summaryIsMarkdown,
      publishedAt: '2026-02-05T08:00:00Z',
      updatedAt: '2026-02-05T09:00:00Z',
    });
    const xml = renderer.feed(
      'en',
      [
        entry('issue-1', 'Hello **all**, read [the report](https://r.example/).\n\n- one\n- two', true),
        entry('issue-2', 'A *plain* preheader', false),
      ],
      { publicUrl: 'https://news.example', whenEmpty: '2026-01-01T00:00:00Z' },
    );
    expect(xml).toContain('Hello all, read the report (https://r.example/).\n- one\n- two</summary>');
    expect(xml).toContain('A *plain* preheader</summary>');
  });
});

describe('confirmation email', () => {
  const confirmUrl = 'https://news.example/api/subscribe/confirm?token=abc&lang=bg';

  it('renders in Bulgarian with the subject, the button and the link, valid for strict MJML', async () => {
    // The renderer was made with validation 'strict': any MJML error would reject here.
    const email = await renderer.confirmationEmail('bg', { confirmUrl });
    expect(email.subject).toBe('Моля, потвърдете абонамента си за бюлетина на SECON');
    expect(email.html).toMatch(/<html lang="bg" dir="ltr"/);
    expect(email.html).toContain('href="https://news.example/api/subscribe/confirm?token=abc&amp;lang=bg"');
    expect(email.html).toContain('Потвърждавам абонамента си');
    expect(email.html).toContain('Връзката изтича след 7 дни.');
    expect(email.text).toContain(confirmUrl);
    expect(email.text).not.toContain('Едно кликване');
  });

  it.each(LANGUAGES)('renders in %s without a missing text', async (language) => {
    const email = await renderer.confirmationEmail(language, { confirmUrl, expiryDays: 1 });
    for (const key of keysOf('confirmation')) expect(email.html, key).not.toMatch(new RegExp(`>${key}<`));
    expect(email.subject).toContain('SECON');
  });

  it('refuses a link that is not http(s)', async () => {
    await expect(renderer.confirmationEmail('en', { confirmUrl: 'javascript:alert(1)' })).rejects.toThrow();
  });
});

describe('negotiateLanguage', () => {
  it('prefers a valid lang parameter', () => {
    expect(negotiateLanguage('de', 'bg-BG,bg;q=0.9')).toBe('de');
    expect(negotiateLanguage('xx', 'pl')).toBe('pl');
  });

  it('takes the best Accept-Language match among the 11', () => {
    expect(negotiateLanguage(undefined, 'bg-BG,bg;q=0.9,en;q=0.8')).toBe('bg');
    expect(negotiateLanguage(undefined, 'fr-FR,fr;q=0.9,pt;q=0.5,de;q=0.7')).toBe('de');
    expect(negotiateLanguage(undefined, 'ro;q=0, hu')).toBe('hu');
  });

  it('falls back to English', () => {
    expect(negotiateLanguage(undefined, 'fr-FR')).toBe('en');
    expect(negotiateLanguage(undefined, undefined)).toBe('en');
    expect(negotiateLanguage('', '*')).toBe('en');
  });
});
