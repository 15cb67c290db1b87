// The public archive: an edition's page is compiled once per process and stored edition, not per reader, and its
// answer may be kept by browsers and CloudFront (every reader gets the same page); a language's index and Atom feed,
// a record's page as the send showed it, and a localized 404 page for an address that names nothing.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPageRenderer, type PageRenderer } from '../../functions/adapters/page-renderer.ts';
import { archiveIndex, recordPage } from '../../functions/domain/archive.ts';
import type { EditionRenderer } from '../../functions/domain/ports.ts';
import type { Highlight, Issue, Practice } from '../../functions/domain/records.ts';
import { archivePage, archivePages } from '../../functions/domain/issues.ts';
import { createApiHandler } from '../../functions/handlers/api.ts';
import { ARCHIVE_CACHE_CONTROL } from '../../functions/handlers/archive-routes.ts';
import type { HttpEvent } from '../../functions/handlers/http.ts';
import type { Services } from '../../functions/wiring/services.ts';
import baseEvent from '../fixtures/apigw-http-v2-event.json' with { type: 'json' };
import { fakeIssueStore, fakeSentRecords, fixedClock } from './fakes.ts';
import { parseAtom } from '../support/atom.ts';
import { ROOT, secon } from '../support/profile.ts';

const issue: Issue = {
  id: 'issue-1',
  title: 'Issue 1',
  status: 'sent',
  createdAt: '2025-03-01T00:00:00Z',
  subject: { en: 'News' },
  intro: { en: 'Hello' },
  sections: [],
};

/** Fills `{{name}}` as SES would, and remembers each template it was given (a compile each, in the real one). */
function countingRenderer() {
  const compiled: string[] = [];
  const renderer: EditionRenderer = {
    render: () => Promise.reject(new Error('not used')),
    renderAll: () => Promise.reject(new Error('not used')),
    personalize(html, data) {
      compiled.push(html);
      if (html.includes('{{#broken')) throw new Error('Parse error');
      return html.replace('{{name}}', data.name ?? '');
    },
  };
  return { renderer, compiled };
}

let issues: ReturnType<typeof fakeIssueStore>;
let counting: ReturnType<typeof countingRenderer>;

beforeEach(async () => {
  issues = fakeIssueStore();
  counting = countingRenderer();
  await issues.put(issue);
  await issues.putEdition(issue.id, { language: 'bg', subject: 's', html: '<p>Hi {{name}} bg</p>', text: 'bg' });
  await issues.putEdition(issue.id, { language: 'el', subject: 's', html: '<p>Hi {{name}} el</p>', text: 'el' });
});

describe('the archive page of an edition', () => {
  it('compiles an edition once however many readers open it, once per language', async () => {
    const deps = { issues, renderer: counting.renderer, reference: secon, archivePages: archivePages() };
    for (let reader = 0; reader < 5; reader++) {
      expect(await archivePage(deps, issue.id, 'bg')).toBe('<p>Hi  bg</p>');
      expect(await archivePage(deps, issue.id, 'el')).toBe('<p>Hi  el</p>');
    }
    expect(counting.compiled).toEqual(['<p>Hi {{name}} bg</p>', '<p>Hi {{name}} el</p>']);
  });

  it('compiles again when the edition is stored again, and never serves the page of the one it replaced', async () => {
    const deps = { issues, renderer: counting.renderer, reference: secon, archivePages: archivePages() };
    await archivePage(deps, issue.id, 'bg');
    await issues.putEdition(issue.id, { language: 'bg', subject: 's', html: '<p>Second {{name}}</p>', text: 'bg' });
    expect(await archivePage(deps, issue.id, 'bg')).toBe('<p>Second </p>');
    expect(await archivePage(deps, issue.id, 'bg')).toBe('<p>Second </p>');
    expect(counting.compiled).toHaveLength(2);
  });

  it('keeps as many pages as it is given room for, dropping the one read least recently', async () => {
    const deps = { issues, renderer: counting.renderer, reference: secon, archivePages: archivePages(1) };
    await archivePage(deps, issue.id, 'bg');
    await archivePage(deps, issue.id, 'el');
    await archivePage(deps, issue.id, 'el');
    expect(counting.compiled).toHaveLength(2);
    await archivePage(deps, issue.id, 'bg');
    expect(counting.compiled).toHaveLength(3);
  });

  it('answers 404 to an edition that fails to compile, and does not compile it again for the next reader', async () => {
    await issues.putEdition(issue.id, { language: 'bg', subject: 's', html: '<p>{{#broken}}</p>', text: 'bg' });
    const deps = { issues, renderer: counting.renderer, reference: secon, archivePages: archivePages() };
    for (let reader = 0; reader < 3; reader++) {
      await expect(archivePage(deps, issue.id, 'bg')).rejects.toMatchObject({ status: 404 });
    }
    expect(counting.compiled).toHaveLength(1);
  });
});

const get = (api: ReturnType<typeof createApiHandler>, path: string, headers: Record<string, string> = {}) =>
  api({
    ...baseEvent,
    rawPath: path,
    headers: { ...baseEvent.headers, ...headers },
    requestContext: { ...baseEvent.requestContext, http: { ...baseEvent.requestContext.http, method: 'GET', path } },
  } as HttpEvent);

let pages: PageRenderer;
beforeAll(async () => {
  pages = await createPageRenderer(ROOT, secon, { validation: 'strict' });
});

describe('GET /archive/{issueId}/{lang}', () => {
  it('compiles the page once for every reader of one process, and lets browsers and CloudFront keep it alone', async () => {
    const api = createApiHandler(
      { issues, renderer: counting.renderer, reference: secon, pages } as unknown as Services,
      'public',
    );
    for (let reader = 0; reader < 3; reader++) {
      const response = await get(api, `/archive/${issue.id}/bg`);
      expect(response.statusCode).toBe(200);
      expect(response.body).toBe('<p>Hi  bg</p>');
      expect(response.headers?.['cache-control']).toBe(ARCHIVE_CACHE_CONTROL);
    }
    expect(ARCHIVE_CACHE_CONTROL).toMatch(/^public, max-age=\d+$/);
    expect(counting.compiled).toHaveLength(1);
    // An answer that is not the page (a missing edition) is kept by no one, and is a page in the language asked for.
    const missing = await get(api, `/archive/${issue.id}/de`);
    expect(missing.statusCode).toBe(404);
    expect(missing.headers?.['cache-control']).toBe('no-store');
    expect(missing.headers?.['content-type']).toBe('text/html; charset=utf-8');
    expect(missing.body).toMatch(/<html lang="de"/);
  });
});

const highlight: Highlight = {
  id: 'fair',
  country: 'BG',
  place: 'Haskovo',
  startDate: '2026-06-10',
  endDate: '2026-06-11',
  participants: 40,
  title: { en: 'Fair', bg: 'Панаир' },
  summary: { en: 'Makers met buyers.' },
  body: { en: 'Two **days**.', bg: 'Два **дни**.' },
  link: 'javascript:alert(1)',
  image: { url: 'https://img.example/fair.jpg', alt: { en: 'The fair' } },
};
const practice: Practice = {
  id: 'fair',
  country: 'BG',
  region: 'Haskovo',
  organisation: { name: 'Org', type: 'NGO' },
  title: { en: 'Practice' },
  summary: { en: 'Summary' },
  details: { en: 'Details' },
  links: ['https://practice.example/'],
};
const sent = (
  id: string,
  status: Issue['status'],
  sendStartedAt: string,
  subject: Issue['subject'] = { en: `Subject ${id}` },
): Issue => ({
  ...issue,
  id,
  status,
  subject,
  createdAt: '2025-01-01T00:00:00Z',
  ...(status !== 'draft' && { sendStartedAt }),
});

describe('the archive index of a language', () => {
  it('lists the published issues alone, newest send first, with their subjects in that language or the source one', async () => {
    const store = fakeIssueStore();
    await store.put(sent('older', 'sent', '2026-01-05T08:00:00Z', { en: 'Older', bg: 'По-старо' }));
    await store.put(sent('newer', 'sending', '2026-02-05T08:00:00Z', { en: 'Newer' }));
    await store.put(sent('draft', 'draft', ''));
    const entries = await archiveIndex({ issues: store, reference: secon }, 'bg');
    expect(entries.map((e) => [e.issueId, e.subject])).toEqual([
      ['newer', { text: 'Newer', fallback: true }],
      ['older', { text: 'По-старо', fallback: false }],
    ]);
    await expect(archiveIndex({ issues: store, reference: secon }, 'xx')).rejects.toMatchObject({ status: 404 });
  });
});

describe('a record page', () => {
  it('shows the record as the issue’s send showed it, and only for a published issue that showed it', async () => {
    const store = fakeIssueStore();
    const sentRecords = fakeSentRecords();
    await store.put(sent('issue-2', 'sent', '2026-02-05T08:00:00Z'));
    await store.put(sent('issue-3', 'draft', ''));
    await sentRecords.putSent('issue-2', [{ kind: 'highlight', record: highlight }]);
    await sentRecords.putSent('issue-3', [{ kind: 'highlight', record: highlight }]);
    const deps = { issues: store, sentRecords, reference: secon };
    const page = await recordPage(deps, 'issue-2', 'bg', 'fair');
    expect(page).toMatchObject({
      kind: 'highlight',
      title: { text: 'Панаир', fallback: false },
      summary: { text: 'Makers met buyers.', fallback: true },
      texts: [{ name: 'body', text: { text: 'Два **дни**.', fallback: false } }],
      dates: { start: '2026-06-10', end: '2026-06-11' },
      participants: 40,
      image: { url: 'https://img.example/fair.jpg', alt: { text: 'The fair', fallback: true } },
      // A link stored before links were checked is left out.
      links: [],
    });
    for (const [issueId, language, recordId] of [
      ['issue-3', 'bg', 'fair'],
      ['issue-2', 'bg', 'other'],
      ['issue-2', 'xx', 'fair'],
      ['no-issue', 'bg', 'fair'],
    ] as const) {
      await expect(recordPage(deps, issueId, language, recordId), issueId + language + recordId).rejects.toMatchObject({
        status: 404,
      });
    }
  });

  it('shows the large rendition of an image Herald made, and any other image as it is', async () => {
    const store = fakeIssueStore();
    const sentRecords = fakeSentRecords();
    await store.put(sent('issue-2', 'sent', '2026-02-05T08:00:00Z'));
    const made = `https://news.example/images/${'c'.repeat(32)}-600.jpg`;
    await sentRecords.putSent('issue-2', [
      { kind: 'highlight', record: { ...highlight, image: { url: made, alt: { en: 'x' } } } },
    ]);
    const page = await recordPage({ issues: store, sentRecords, reference: secon }, 'issue-2', 'en', 'fair');
    expect(page.image?.url).toBe(`https://news.example/images/${'c'.repeat(32)}-1200.jpg`);
  });

  it("gives a practice its organisation, place and long texts, and a highlight of the same id the highlight's page", async () => {
    const store = fakeIssueStore();
    const sentRecords = fakeSentRecords();
    await store.put(sent('issue-2', 'sent', '2026-02-05T08:00:00Z'));
    await sentRecords.putSent('issue-2', [{ kind: 'practice', record: practice }]);
    const deps = { issues: store, sentRecords, reference: secon };
    expect(await recordPage(deps, 'issue-2', 'en', 'fair')).toMatchObject({
      kind: 'practice',
      organisation: { name: 'Org', type: 'NGO' },
      where: { region: 'Haskovo', country: 'BG' },
      texts: [{ name: 'details', text: { text: 'Details', fallback: false } }],
      links: ['https://practice.example/'],
    });
    await sentRecords.putSent('issue-2', [{ kind: 'highlight', record: highlight }]);
    expect((await recordPage(deps, 'issue-2', 'en', 'fair')).kind).toBe('highlight');
  });
});

describe('the archive routes', () => {
  const services = async () => {
    const store = fakeIssueStore();
    const sentRecords = fakeSentRecords();
    await store.put(sent('issue-1', 'sent', '2026-01-05T08:00:00Z', { en: 'First & <best>', el: 'Πρώτο' }));
    await store.put(sent('issue-2', 'sending', '2026-02-05T08:00:00Z'));
    await sentRecords.putSent('issue-2', [{ kind: 'highlight', record: highlight }]);
    return {
      issues: store,
      sentRecords,
      pages,
      reference: secon,
      renderer: counting.renderer,
      publicUrl: 'https://news.example',
      clock: fixedClock,
    } as unknown as Services;
  };

  it('serves the index page and the record page, which browsers and CloudFront may keep', async () => {
    const api = createApiHandler(await services(), 'public');
    const index = await get(api, '/archive/el/');
    expect(index.statusCode).toBe(200);
    expect(index.headers?.['cache-control']).toBe(ARCHIVE_CACHE_CONTROL);
    expect(index.body).toMatch(/<html lang="el"/);
    expect(index.body).toContain('<a href="/archive/issue-2/el" lang="en">Subject issue-2</a>');
    expect(index.body).toContain('<a href="/archive/issue-1/el">Πρώτο</a>');
    expect(index.body).toContain('<link rel="alternate" type="application/atom+xml" href="/archive/el/feed.xml"');
    const record = await get(api, '/archive/issue-2/bg/fair');
    expect(record.statusCode).toBe(200);
    expect(record.headers?.['cache-control']).toBe(ARCHIVE_CACHE_CONTROL);
    expect(record.body).toContain('<h1>Панаир</h1>');
    expect(record.body).toContain('<p>Два <strong>дни</strong>.</p>');
    expect(record.body).toContain('href="/archive/issue-2/de/fair" lang="de"');
  });

  it('answers an archive address that names nothing with a 404 page in the language asked for, else the reader’s', async () => {
    const api = createApiHandler(await services(), 'public');
    for (const [path, lang] of [
      ['/archive/issue-2/bg/no-such-record', 'bg'],
      ['/archive/no-such-issue/el', 'el'],
      ['/archive/Not_An_Id/pl', 'pl'],
      ['/archive/issue-2/xx/fair', 'de'],
      ['/archive/xx/', 'de'],
      ['/archive/xx/feed.xml', 'de'],
    ]) {
      const response = await get(api, path!, { 'accept-language': 'de-AT,de;q=0.9' });
      expect([path, response.statusCode, response.headers?.['content-type']]).toEqual([
        path,
        404,
        'text/html; charset=utf-8',
      ]);
      expect(response.headers?.['cache-control']).toBe('no-store');
      expect(response.body).toMatch(new RegExp(`<html lang="${lang}"`));
      expect(response.body).toContain(`<h1>${pages.text(lang!, 'not-found.title')}</h1>`);
    }
  });

  it('writes a valid Atom feed per language: ids, dates and links of every published issue, newest first', async () => {
    const api = createApiHandler(await services(), 'public');
    const response = await get(api, '/archive/el/feed.xml');
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['content-type']).toBe('application/atom+xml; charset=utf-8');
    expect(response.headers?.['cache-control']).toBe(ARCHIVE_CACHE_CONTROL);
    const feed = parseAtom(String(response.body));
    expect(feed).toMatchObject({
      '@_xmlns': 'http://www.w3.org/2005/Atom',
      '@_xml:lang': 'el',
      id: 'https://news.example/archive/el/',
      updated: '2026-02-05T08:00:00.000Z',
      author: { name: secon.profile.name },
    });
    expect(feed.link).toEqual([
      { '@_rel': 'self', '@_type': 'application/atom+xml', '@_href': 'https://news.example/archive/el/feed.xml' },
      { '@_rel': 'alternate', '@_type': 'text/html', '@_href': 'https://news.example/archive/el/' },
    ]);
    expect(feed.entry).toEqual([
      expect.objectContaining({
        id: 'https://news.example/archive/issue-2/el',
        title: { '#text': 'Subject issue-2', '@_type': 'text', '@_xml:lang': 'en' },
        link: { '@_rel': 'alternate', '@_type': 'text/html', '@_href': 'https://news.example/archive/issue-2/el' },
        published: '2026-02-05T08:00:00.000Z',
        updated: '2026-02-05T08:00:00.000Z',
      }),
      expect.objectContaining({
        id: 'https://news.example/archive/issue-1/el',
        title: { '#text': 'Πρώτο', '@_type': 'text' },
      }),
    ]);
  });
});
