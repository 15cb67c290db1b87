// The archive and the public pages on the embedded stack, after a real send of the sample issue: every public page
// shows the EU emblem with the funding statement written out in its language, the project's logos and the links to
// the archive and the notices; the archive has an index and an Atom feed per language, a page per record as the send
// showed it, and a localized HTML 404; the notices come from the project profile; the images are served unaltered.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNDING_STATEMENTS, type EuLanguage } from '../../contracts/eu-funding.ts';
import { siteAssetFiles } from '../../contracts/assets.ts';
import { parseAtom } from '../support/atom.ts';
import { sentEmails, startTestStack, type TestStack } from '../support/embedded-stack.ts';
import { SAMPLE_ISSUE_ID, SECON_PROFILE_FILE, secon } from '../support/profile.ts';
import sampleIssue from '../../local/sample/secon/issue.json' with { type: 'json' };

let test: TestStack;
const url = (path: string) => `${test.stack.urls.api}${path}`;

async function page(path: string, init: RequestInit = {}) {
  const response = await fetch(url(path), { redirect: 'manual', ...init });
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    cache: response.headers.get('cache-control') ?? '',
    html: await response.text(),
  };
}

async function editor(method: string, path: string, body?: unknown) {
  const response = await fetch(url(path), {
    method,
    headers: {
      authorization: `Bearer ${test.stack.tokens.editor}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const statement = (language: string) => FUNDING_STATEMENTS[secon.profile.funding][language as EuLanguage];

/** What every public page shows, in `language`. */
function expectFrame(html: string, language: string) {
  expect(html).toMatch(new RegExp(`^<!doctype html>\\s*<html lang="${language}"`));
  expect(html).toMatch(
    new RegExp(
      `<img src="/assets/eu/eu-emblem\\.svg" width="75" height="50" alt="[^"]+"><p class="statement">${statement(language)}</p>`,
    ),
  );
  expect(html).toContain('<img class="logo" src="/assets/project/interreg-europe-logo.sample.png"');
  expect(html).toContain('<img class="logo" src="/assets/project/secon-logo.sample.png"');
  expect(html).toContain('<p class="disclaimer">');
  for (const link of [
    `/archive/${language}/`,
    `/privacy?lang&#x3D;${language}`,
    `/accessibility?lang&#x3D;${language}`,
  ]) {
    expect(html).toContain(`href="${link}"`);
  }
}

beforeAll(async () => {
  test = await startTestStack('archive-pages');
  const sent = await editor('POST', `/api/issues/${SAMPLE_ISSUE_ID}/send`, { allowFallback: true });
  expect(sent.status).toBe(202);
  await test.stack.drained();
}, 120_000);
afterAll(() => test?.dispose());

describe('every public page', () => {
  it("shows the emblem with the statement in the page's language, the logos, the disclaimer and the links", async () => {
    const mail = (await sentEmails(test.stack)).find((e) => e.body.html?.includes('/preferences/'))!;
    const manage = /\/preferences\/([^"?]+)"/.exec(mail.body.html ?? '')![1]!;
    const signup = await fetch(url('/api/subscribe'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'reader@example.org', language: 'el', country: 'GR', consent: true }),
    });
    expect(signup.status).toBe(202);
    const confirmation = (await sentEmails(test.stack)).find((e) => e.destination.to.includes('reader@example.org'))!;
    const confirm = /token=([\w.-]+)/.exec(confirmation.body.text ?? '')![1]!;

    const pages: [string, string, number, RequestInit?][] = [
      ['/subscribe?lang=pl', 'pl', 200],
      [
        '/api/subscribe',
        'nl',
        202,
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'email=lezer%40example.org&language=nl&country=BE&region=other&consent=true',
        },
      ],
      [`/api/subscribe/confirm?token=${confirm}`, 'el', 200],
      [`/preferences/${manage}?lang=ro`, 'ro', 200],
      [`/unsubscribe/${manage}?lang=lv`, 'lv', 200],
      ['/archive/de/', 'de', 200],
      [`/archive/${SAMPLE_ISSUE_ID}/es/highlight-caceres-workshop`, 'es', 200],
      ['/privacy?lang=el', 'el', 200],
      ['/accessibility?lang=hu', 'hu', 200],
      ['/archive/no-such-issue/pt', 'pt', 404],
    ];
    for (const [path, language, status, init] of pages) {
      const answer = await page(path, init);
      expect([path, answer.status, answer.type]).toEqual([path, status, 'text/html; charset=utf-8']);
      expectFrame(answer.html, language);
    }
  });

  it('gets the emblem and the logos it names from the site, unaltered', async () => {
    const html = (await page('/privacy?lang=en')).html;
    const sources = [...html.matchAll(/<img[^>]*src="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(sources).toHaveLength(3);
    const files = siteAssetFiles(secon.profile, SECON_PROFILE_FILE);
    for (const source of sources) {
      const response = await fetch(url(source));
      expect([source, response.status]).toEqual([source, 200]);
      expect(response.headers.get('content-type')).toBe(source.endsWith('.svg') ? 'image/svg+xml' : 'image/png');
      expect(Buffer.from(await response.arrayBuffer()).equals(readFileSync(files[source.slice(1)]!))).toBe(true);
    }
  });
});

describe('the archive', () => {
  it("lists the sent issue in each language's index, with its subject in that language, and the feed parses as Atom", async () => {
    const index = await page('/archive/bg/');
    expect([index.status, index.cache]).toEqual([200, 'public, max-age=300']);
    expect(index.html).toContain(`<a href="/archive/${SAMPLE_ISSUE_ID}/bg">${sampleIssue.subject.bg}</a>`);
    expect(index.html).toContain('<link rel="alternate" type="application/atom+xml" href="/archive/bg/feed.xml"');

    const response = await fetch(url('/archive/bg/feed.xml'));
    expect(response.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    const feed = parseAtom(await response.text());
    expect(feed).toMatchObject({ id: `${test.stack.urls.api}/archive/bg/`, '@_xml:lang': 'bg' });
    expect(feed.entry).toEqual([
      expect.objectContaining({
        id: `${test.stack.urls.api}/archive/${SAMPLE_ISSUE_ID}/bg`,
        title: { '#text': sampleIssue.subject.bg, '@_type': 'text' },
        link: expect.objectContaining({ '@_href': `${test.stack.urls.api}/archive/${SAMPLE_ISSUE_ID}/bg` }),
      }),
    ]);
    // The edition the entry links to is there.
    expect((await page(`/archive/${SAMPLE_ISSUE_ID}/bg`)).status).toBe(200);
  });

  it("publishes a highlight's body and a practice's details in full, as the send showed them, after an edit too", async () => {
    const path = `/archive/${SAMPLE_ISSUE_ID}/es/highlight-caceres-workshop`;
    const before = await page(path);
    expect([before.status, before.cache]).toEqual([200, 'public, max-age=300']);
    expect(before.html).toContain('<h1>Seminario de intercambio interregional en Cáceres</h1>');
    expect(before.html).toContain('Expertos regionales ofrecieron charlas y presentaciones');

    const { body: highlight } = await editor('GET', '/api/highlights/highlight-caceres-workshop');
    const edited = { ...highlight, body: { ...(highlight.body as object), es: 'Texto cambiado después del envío.' } };
    expect((await editor('PUT', '/api/highlights/highlight-caceres-workshop', edited)).status).toBe(200);
    const after = await page(path);
    expect(after.html).toBe(before.html);
    expect(after.html).not.toContain('Texto cambiado');

    const practice = await page(`/archive/${SAMPLE_ISSUE_ID}/ro/practice-food-hub-ro`);
    expect(practice.status).toBe(200);
    expect(practice.html).toMatch(/<h2>Descriere<\/h2>\s*<div><p>/);
  });

  it('answers an unknown issue, record or language with a localized HTML page, not JSON, kept by no one', async () => {
    for (const [path, language] of [
      ['/archive/no-such-issue/bg', 'bg'],
      [`/archive/${SAMPLE_ISSUE_ID}/el/no-such-record`, 'el'],
      [`/archive/${SAMPLE_ISSUE_ID}/xx`, 'de'],
      ['/archive/xx/', 'de'],
      ['/archive/xx/feed.xml', 'de'],
    ]) {
      const answer = await page(path!, { headers: { 'accept-language': 'de-DE,de;q=0.9,en;q=0.5' } });
      expect([path, answer.status, answer.type, answer.cache]).toEqual([
        path,
        404,
        'text/html; charset=utf-8',
        'no-store',
      ]);
      expect(answer.html).toMatch(new RegExp(`<html lang="${language}"`));
    }
  });
});

describe('the notices', () => {
  it('fill the privacy notice and the accessibility statement from the profile, cacheable per language', async () => {
    const privacy = await page('/privacy?lang=el');
    expect([privacy.status, privacy.cache]).toEqual([200, 'public, max-age=300']);
    expect(privacy.html).toContain(secon.profile.privacy.controller.name);
    expect(privacy.html).toContain(`mailto:${secon.profile.privacy.contact}`);
    expect(privacy.html).toContain(`<li>${secon.profile.privacy.purposes[0]!.el}</li>`);
    const statement = await page('/accessibility?lang=hu');
    expect(statement.html).toContain(`mailto:${secon.profile.accessibility.contact}`);
    // Without a language, the reader's: not kept, since the address is every language's.
    const negotiated = await page('/accessibility', { headers: { 'accept-language': 'pl' } });
    expect([negotiated.status, negotiated.cache]).toEqual([200, 'no-store']);
    expect(negotiated.html).toMatch(/<html lang="pl"/);
  });
});
