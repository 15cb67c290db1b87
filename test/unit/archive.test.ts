// The public archive: an edition's page is compiled once per process and stored edition, not per reader, and its
// answer may be kept by browsers and CloudFront (every reader gets the same page).
import { beforeEach, describe, expect, it } from 'vitest';
import type { EditionRenderer } from '../../functions/domain/ports.ts';
import type { Issue } from '../../functions/domain/records.ts';
import { archivePage, archivePages } from '../../functions/domain/issues.ts';
import { ARCHIVE_CACHE_CONTROL, createApiHandler } from '../../functions/handlers/api.ts';
import type { HttpEvent } from '../../functions/handlers/http.ts';
import type { Services } from '../../functions/wiring/services.ts';
import baseEvent from '../fixtures/apigw-http-v2-event.json' with { type: 'json' };
import { fakeIssueStore } from './fakes.ts';
import { secon } from '../support/profile.ts';

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

describe('GET /archive/{issueId}/{lang}', () => {
  const get = (api: ReturnType<typeof createApiHandler>, path: string) =>
    api({
      ...baseEvent,
      rawPath: path,
      requestContext: { ...baseEvent.requestContext, http: { ...baseEvent.requestContext.http, method: 'GET', path } },
    } as HttpEvent);

  it('compiles the page once for every reader of one process, and lets browsers and CloudFront keep it alone', async () => {
    const api = createApiHandler(
      { issues, renderer: counting.renderer, reference: secon } as unknown as Services,
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
    // An answer that is not the page (a missing edition) is kept by no one.
    const missing = await get(api, `/archive/${issue.id}/de`);
    expect(missing.statusCode).toBe(404);
    expect(missing.headers?.['cache-control']).toBe('no-store');
  });
});
