// The editor's REST API on the embedded stack: records, issue composition, translation status, preview, test and send.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedStack } from '../../local/stack.ts';
import { sentEmails, startTestStack, type TestStack } from '../support/embedded-stack.ts';
import { until } from '../support/until.ts';

let test: TestStack;
let stack: EmbeddedStack;

async function call(method: string, path: string, body?: unknown, token: string | null = stack.tokens.editor) {
  const response = await fetch(`${stack.urls.api}${path}`, {
    method,
    headers: {
      ...(token && { authorization: `Bearer ${token}` }),
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const type = response.headers.get('content-type') ?? '';
  const payload = type.includes('json') ? await response.json() : await response.text();
  return { status: response.status, body: payload, type };
}

const highlight = {
  country: 'BG',
  region: 'Haskovo',
  place: 'Haskovo Municipality',
  startDate: '2025-06-10',
  endDate: '2025-06-11',
  participants: 40,
  title: { en: 'Social economy fair in Haskovo', bg: 'Панаир на социалната икономика в Хасково' },
  summary: { en: 'Makers met buyers.', bg: 'Производители срещнаха купувачи.' },
  body: { en: 'Two days of stalls.' },
};

beforeAll(async () => {
  test = await startTestStack('editor', { adminToken: 'editor-test-admin-token' });
  stack = test.stack;
});

afterAll(() => test?.dispose());

describe('access', () => {
  it('tells the editor who is signed in, and refuses the coordinator and a forged token', async () => {
    expect((await call('GET', '/api/me')).body).toMatchObject({ sub: 'demo-editor', groups: ['editor'] });
    expect((await call('GET', '/api/issues', undefined, stack.tokens.coordinator)).status).toBe(403);
    const forged = stack.tokens.editor.slice(0, -4) + 'AAAA';
    expect((await call('GET', '/api/issues', undefined, forged)).status).toBe(401);
  });
});

describe('hostile records', () => {
  it('refuses unsafe links and placeholders in links by field, and stores nothing', async () => {
    const before = (await call('GET', '/api/highlights?limit=100')).body.items.length;
    const cases: [unknown, string][] = [
      [{ ...highlight, link: 'javascript:alert(document.cookie)' }, 'link'],
      [{ ...highlight, link: 'data:text/html,<script>alert(1)</script>' }, 'link'],
      [{ ...highlight, link: 'https://evil.example/?u={{preferencesUrl}}' }, 'link'],
      [{ ...highlight, image: { url: 'https://x.example/{{#each}}', alt: { en: 'x' } } }, 'image.url'],
      [{ ...highlight, title: { en: 'Line\u0000break' } }, 'title.en'],
      [{ ...highlight, place: 'A\u2028B' }, 'place'],
    ];
    for (const [record, field] of cases) {
      const response = await call('POST', '/api/highlights', record);
      expect([response.status, response.body.error?.field], field).toEqual([400, field]);
    }
    const practiceLinks = await call('POST', '/api/practices', {
      country: 'BG',
      region: 'Haskovo',
      organisation: { name: 'Org', type: 'NGO' },
      title: { en: 'Practice' },
      summary: { en: 'Summary' },
      links: ['https://ok.example/', 'javascript:alert(1)'],
    });
    expect([practiceLinks.status, practiceLinks.body.error.field]).toEqual([400, 'links.1']);
    expect((await call('GET', '/api/highlights?limit=100')).body.items.length).toBe(before);
  });

  it('answers 400 naming the id for an id no record could have, and the archive its 404 page', async () => {
    const long = 'a'.repeat(5000);
    expect((await call('GET', `/api/highlights/${long}`)).body.error.field).toBe('id');
    expect((await call('GET', `/api/issues/${long}`)).body.error.field).toBe('id');
    const archive = await fetch(`${stack.urls.api}/archive/${long}/en`);
    expect([archive.status, archive.headers.get('content-type')]).toEqual([404, 'text/html; charset=utf-8']);
  });

  it('keeps a link with non-Latin characters as a percent-encoded URL', async () => {
    const created = await call('POST', '/api/highlights', {
      ...highlight,
      title: { en: 'Price list' },
      link: 'https://example.com/€-price',
    });
    expect(created.body.link).toBe('https://example.com/%E2%82%AC-price');
  });
});

describe('records', () => {
  it('creates a highlight with an id from its English title, reads, updates and deletes it', async () => {
    const created = await call('POST', '/api/highlights', highlight);
    expect(created.status).toBe(201);
    expect(created.body.id).toBe('social-economy-fair-in-haskovo');

    const again = await call('POST', '/api/highlights', highlight);
    expect(again.body.id).toBe('social-economy-fair-in-haskovo-2');

    const updated = await call('PUT', `/api/highlights/${created.body.id}`, { ...highlight, participants: 55 });
    expect(updated.body.participants).toBe(55);
    expect((await call('GET', `/api/highlights/${created.body.id}`)).body.participants).toBe(55);

    expect((await call('DELETE', `/api/highlights/${again.body.id}`)).status).toBe(204);
    expect((await call('GET', `/api/highlights/${again.body.id}`)).status).toBe(404);
  });

  it('lists practices by country and language a page at a time', async () => {
    const first = await call('GET', '/api/practices?country=BG&language=bg&limit=1');
    expect(first.body.items).toHaveLength(1);
    expect(first.body.items[0].country).toBe('BG');
    const second = await call('GET', `/api/practices?country=BG&language=bg&limit=1&cursor=${first.body.nextCursor}`);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
    expect(second.body.nextCursor).toBeUndefined();
  });

  it('filters highlights by date', async () => {
    const { body } = await call('GET', '/api/highlights?from=2025-01-01&to=2025-12-31&limit=100');
    expect(body.items.length).toBeGreaterThan(0);
    expect(
      body.items.every((h: { startDate: string }) => h.startDate >= '2025-01-01' && h.startDate <= '2025-12-31'),
    ).toBe(true);
  });

  it('refuses bad records with a 4xx naming the field, and stores nothing', async () => {
    const before = (await call('GET', '/api/highlights?limit=100')).body.items.length;
    const cases: [unknown, string][] = [
      [{ ...highlight, country: 'FR' }, 'country'],
      [{ ...highlight, title: { ...highlight.title, xx: 'Hi' } }, 'title.xx'],
      [{ ...highlight, startDate: '2025-13-45' }, 'startDate'],
      [{ ...highlight, endDate: '2025-06-01' }, 'endDate'],
      [{ ...highlight, summary: { en: 'x'.repeat(1001) } }, 'summary.en'],
      [{ ...highlight, title: { bg: 'Само български' } }, 'title'],
      [{ ...highlight, colour: 'red' }, 'colour'],
    ];
    for (const [record, field] of cases) {
      const response = await call('POST', '/api/highlights', record);
      expect(response.status, field).toBe(400);
      expect(response.body.error.field, field).toBe(field);
    }
    expect((await call('GET', '/api/highlights?limit=100')).body.items.length).toBe(before);
    expect((await call('GET', '/api/highlights?cursor=bm90IGFuIGlkIQ')).body.error.field).toBe('cursor');
    expect((await call('GET', '/api/highlights?language=xx')).body.error.field).toBe('language');
  });
});

describe('issues', () => {
  const draft = {
    title: 'Summer digest',
    subject: { en: 'Summer digest', el: 'Καλοκαιρινή σύνοψη' },
    intro: { en: 'What happened this summer.', el: 'Τι έγινε αυτό το καλοκαίρι.' },
    sections: [
      { type: 'practices', items: ['practice-doeners-be'] },
      { type: 'highlights', items: ['highlight-haskovo-workshop'] },
    ],
  };
  let id: string;

  it('composes a draft, reporting per language what falls back to English', async () => {
    const created = await call('POST', '/api/issues', draft);
    expect(created.status).toBe(201);
    id = created.body.id;
    const issue = (await call('GET', `/api/issues/${id}`)).body;
    expect(issue.status).toBe('draft');
    expect(issue.sections.map((s: { type: string }) => s.type)).toEqual(['practices', 'highlights']);
    expect(issue.translation.en).toEqual({ complete: true, gaps: [] });
    expect(issue.translation.el.gaps).not.toContain('subject');
    expect(issue.translation.bg.gaps).toEqual(expect.arrayContaining(['subject', 'intro']));
  });

  it('refuses an issue that names a record that does not exist, a subject with a line break, or an empty title', async () => {
    const missing = await call('POST', '/api/issues', { ...draft, sections: [{ type: 'practices', items: ['nope'] }] });
    expect([missing.status, missing.body.error.field]).toEqual([400, 'sections.0.items.0']);
    const broken = await call('POST', '/api/issues', { ...draft, subject: { en: 'Hi\r\nBcc: x@example.org' } });
    expect([broken.status, broken.body.error.field]).toEqual([400, 'subject.en']);
    const untitled = await call('POST', '/api/issues', { ...draft, title: '' });
    expect([untitled.status, untitled.body.error.field]).toEqual([400, 'title']);
  });

  it('previews a language as its subscribers will get it, in HTML and plain text', async () => {
    const page = await call('GET', `/api/issues/${id}/preview?lang=el&format=html`);
    expect(page.type).toContain('text/html');
    expect(page.body).toContain('lang="el"');
    expect(page.body).toContain('Καλοκαιρινή σύνοψη');
    expect(page.body).toContain('Maria');
    const plain = await call('GET', `/api/issues/${id}/preview?lang=bg&format=text`);
    expect(plain.type).toContain('text/plain');
    expect(plain.body).toContain('What happened this summer.');
    expect((await call('GET', `/api/issues/${id}/preview?lang=xx`)).body.error.field).toBe('lang');
  });

  it('sends a test of one edition to one address, marked as a test', async () => {
    const response = await call('POST', `/api/issues/${id}/test`, { to: 'reviewer@example.org', lang: 'el' });
    expect(response.status).toBe(202);
    const emails = await sentEmails(stack);
    const test = emails.find((e) => e.destination.to.includes('reviewer@example.org'));
    expect(test?.subject).toBe('[Test] Καλοκαιρινή σύνοψη');
    expect((await call('POST', `/api/issues/${id}/test`, { to: 'not-an-address' })).body.error.field).toBe('to');
  });

  it('refuses to send while languages with subscribers lack a subject, then sends with English fallback on request', async () => {
    const refused = await call('POST', `/api/issues/${id}/send`, {});
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('translation_gaps');
    expect(refused.body.error.gaps.bg).toEqual(['subject', 'intro']);
    expect(refused.body.error.gaps.el).toBeUndefined();

    const sent = await call('POST', `/api/issues/${id}/send`, { allowFallback: true });
    expect(sent.status).toBe(202);
    await stack.drained();
    expect((await call('GET', `/api/issues/${id}`)).body.status).toBe('sent');
  });

  it('keeps a sent issue frozen: no edits, no second send, and record edits do not change its editions', async () => {
    expect((await call('PUT', `/api/issues/${id}`, draft)).status).toBe(409);
    expect((await call('POST', `/api/issues/${id}/send`, { allowFallback: true })).status).toBe(409);
    const before = (await call('GET', `/archive/${id}/en`, undefined, null)).body;
    const practice = (await call('GET', '/api/practices/practice-doeners-be')).body;
    await call('PUT', '/api/practices/practice-doeners-be', {
      ...practice,
      title: { ...practice.title, en: 'Renamed practice' },
    });
    const after = (await call('GET', `/archive/${id}/en`, undefined, null)).body;
    expect(after).toBe(before);
    expect(after).not.toContain('Renamed practice');
  });

  it('refuses an issue whose edition would be too large to store, and it stays a draft', async () => {
    const ids: string[] = [];
    for (let n = 0; n < 50; n += 1) {
      const record = { ...highlight, title: { en: `Long story ${n}` }, summary: { en: 'Σ '.repeat(500).trim() } };
      ids.push((await call('POST', '/api/highlights', record)).body.id);
    }
    const sections = ['events', 'highlights', 'events'].map((type) => ({ type, items: ids }));
    const big = (await call('POST', '/api/issues', { ...draft, title: 'Too big', sections })).body.id;
    const refused = await call('POST', `/api/issues/${big}/send`, { allowFallback: true });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'edition_too_large', field: 'sections' });
    expect((await call('GET', `/api/issues/${big}`)).body.status).toBe('draft');
    const scheduled = await call('POST', `/api/issues/${big}/send`, {
      at: new Date(Date.now() + 3_600_000).toISOString(),
      allowFallback: true,
    });
    expect(scheduled.status).toBe(422);
    expect((await call('GET', `/api/issues/${big}`)).body.status).toBe('draft');
  });

  it('refuses to delete a record that a draft issue uses', async () => {
    const response = await call('DELETE', '/api/highlights/highlight-caceres-workshop');
    expect(response.status).toBe(409);
    expect(response.body.error.issues).toContain('secon-newsletter-5');
  });
});

describe('scheduled sends', () => {
  const untilStatus = (id: string, status: string) =>
    until(
      async () => (await call('GET', `/api/issues/${id}`)).body,
      (issue) => issue.status === status,
    );
  const draft = {
    title: 'Scheduled digest',
    subject: { en: 'Scheduled digest' },
    intro: { en: 'Sent by the scheduler.' },
    sections: [{ type: 'practices', items: ['practice-food-hub-ro'] }],
  };

  it('schedules a send, can cancel it, and sends at the chosen time', async () => {
    const { id } = (await call('POST', '/api/issues', draft)).body;
    const soon = () => new Date(Date.now() + 1500).toISOString();

    const scheduled = await call('POST', `/api/issues/${id}/send`, { at: soon(), allowFallback: true });
    expect(scheduled.status).toBe(202);
    expect(scheduled.body.status).toBe('scheduled');
    expect((await call('PUT', `/api/issues/${id}`, draft)).status).toBe(409);

    expect((await call('DELETE', `/api/issues/${id}/schedule`)).body.status).toBe('draft');
    expect((await call('DELETE', `/api/issues/${id}/schedule`)).status).toBe(409);

    await call('POST', `/api/issues/${id}/send`, { at: soon(), allowFallback: true });
    const sent = await untilStatus(id, 'sent');
    expect(sent.progress.total.sent).toBeGreaterThan(0);
  });

  it('refuses to change or delete a record that a scheduled issue uses, until the schedule is cancelled', async () => {
    const created = await call('POST', '/api/highlights', { ...highlight, title: { en: 'Scheduled fair' } });
    const record = `/api/highlights/${created.body.id}`;
    const { id } = (
      await call('POST', '/api/issues', {
        ...draft,
        title: 'Uses the fair',
        sections: [{ type: 'highlights', items: [created.body.id] }],
      })
    ).body;
    await call('POST', `/api/issues/${id}/send`, {
      at: new Date(Date.now() + 3_600_000).toISOString(),
      allowFallback: true,
    });

    const changed = await call('PUT', record, { ...highlight, title: { en: 'Renamed fair' } });
    expect([changed.status, changed.body.error.issues]).toEqual([409, [id]]);
    const deleted = await call('DELETE', record);
    expect([deleted.status, deleted.body.error.issues]).toEqual([409, [id]]);
    expect((await call('GET', record)).body.title.en).toBe('Scheduled fair');

    await call('DELETE', `/api/issues/${id}/schedule`);
    expect((await call('PUT', record, { ...highlight, title: { en: 'Renamed fair' } })).status).toBe(200);
  });

  it('refuses a time in the past or without a time zone, naming the field', async () => {
    const { id } = (await call('POST', '/api/issues', { ...draft, title: 'Not scheduled' })).body;
    const past = await call('POST', `/api/issues/${id}/send`, { at: '2020-01-01T09:00:00Z', allowFallback: true });
    expect([past.status, past.body.error.field]).toEqual([400, 'at']);
    const noZone = await call('POST', `/api/issues/${id}/send`, { at: '2030-01-01T09:00:00', allowFallback: true });
    expect([noZone.status, noZone.body.error.field]).toEqual([400, 'at']);
    expect((await call('GET', `/api/issues/${id}`)).body.status).toBe('draft');
  });
});

describe('drafts: delete, duplicate, concurrent saves and every error at once', () => {
  const draftOf = (title: string, items: string[]) => ({
    title,
    subject: { en: title },
    intro: { en: 'A draft to try things with.' },
    sections: [{ type: 'highlights', items }],
  });

  it('deletes a draft, after which the records it used can be deleted', async () => {
    const record = (await call('POST', '/api/highlights', { ...highlight, title: { en: 'Only in a test draft' } }))
      .body;
    const draft = (await call('POST', '/api/issues', draftOf('Test draft to delete', [record.id]))).body.id;
    expect((await call('DELETE', `/api/highlights/${record.id}`)).status).toBe(409);

    expect((await call('DELETE', `/api/issues/${draft}`)).status).toBe(204);
    expect((await call('GET', `/api/issues/${draft}`)).status).toBe(404);
    expect((await call('GET', '/api/issues')).body.issues.map((i: { id: string }) => i.id)).not.toContain(draft);
    expect((await call('DELETE', `/api/highlights/${record.id}`)).status).toBe(204);
    expect((await call('DELETE', `/api/issues/${draft}`)).status).toBe(404);
  });

  it('refuses to delete an issue that is no longer a draft, and keeps it', async () => {
    const draft = (await call('POST', '/api/issues', draftOf('Scheduled, not deletable', []))).body.id;
    const at = new Date(Date.now() + 3_600_000).toISOString();
    expect((await call('POST', `/api/issues/${draft}/send`, { at, allowFallback: true })).status).toBe(202);
    const refused = await call('DELETE', `/api/issues/${draft}`);
    expect([refused.status, refused.body.error.code]).toEqual([409, 'conflict']);
    expect(refused.body.error.message).toContain('only a draft can be deleted');
    expect((await call('GET', `/api/issues/${draft}`)).body.status).toBe('scheduled');
    await call('DELETE', `/api/issues/${draft}/schedule`);
  });

  it('duplicates any issue as a new draft with the same content, titled "(copy)"', async () => {
    const original = (await call('GET', '/api/issues/secon-newsletter-5')).body;
    const copied = await call('POST', '/api/issues/secon-newsletter-5/duplicate');
    expect(copied.status).toBe(201);
    expect(copied.body).toMatchObject({ title: `${original.title} (copy)`, leftOut: [] });
    const copy = (await call('GET', `/api/issues/${copied.body.id}`)).body;
    expect(copy).toMatchObject({
      status: 'draft',
      title: `${original.title} (copy)`,
      subject: original.subject,
      preheader: original.preheader,
      intro: original.intro,
      sections: original.sections,
    });
    expect(copy.id).not.toBe(original.id);
    expect((await call('POST', '/api/issues/no-such-issue/duplicate')).status).toBe(404);
  });

  it('refuses a save based on a version another tab has replaced, in plain words', async () => {
    const id = (await call('POST', '/api/issues', draftOf('Edited in two tabs', []))).body.id;
    const opened = (await call('GET', `/api/issues/${id}`)).body;
    expect(opened.version).toBe(1);
    const first = await call('PUT', `/api/issues/${id}`, { ...draftOf('Edited in tab one', []), version: 1 });
    expect([first.status, first.body.version]).toEqual([200, 2]);
    const second = await call('PUT', `/api/issues/${id}`, { ...draftOf('Edited in tab two', []), version: 1 });
    expect([second.status, second.body.error.code, second.body.error.version]).toEqual([409, 'edit_conflict', 2]);
    expect(second.body.error.message).toContain('changed elsewhere');
    expect((await call('GET', `/api/issues/${id}`)).body.title).toBe('Edited in tab one');
  });

  it('names every field at fault at once, each in plain words', async () => {
    const before = (await call('GET', '/api/highlights?limit=100')).body.items.length;
    const empty = await call('POST', '/api/highlights', { title: {}, summary: {}, body: { en: 'Body', fr: 'x' } });
    expect(empty.status).toBe(400);
    const fields = empty.body.error.fields as { field: string; message: string }[];
    expect(fields.map((f) => f.field)).toEqual(
      expect.arrayContaining(['country', 'place', 'startDate', 'title', 'summary', 'body.fr']),
    );
    expect(fields.find((f) => f.field === 'country')?.message).toBe('is required');
    expect(fields.find((f) => f.field === 'title')?.message).toBe('needs an English ("en") text');
    for (const { message } of fields) expect(message).not.toMatch(/invalid|expected|received/i);
    expect(empty.body.error.field).toBe(fields[0]!.field);
    const wrongCountry = await call('POST', '/api/highlights', { ...highlight, country: 'FR', startDate: 'soon' });
    expect(wrongCountry.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['country', 'startDate']);
    expect(wrongCountry.body.error.fields[1].message).toBe('must be a date (YYYY-MM-DD)');
    expect((await call('GET', '/api/highlights?limit=100')).body.items.length).toBe(before);
  });
});
