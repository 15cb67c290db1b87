// Admins and subscribers on the embedded stack: the list (search, filters, cursor pages, counts), a subscriber's page,
// unsubscribe, suppress, resend the confirmation, erase, the CSV export and the suppression list's import.
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportSubscribers } from '../../functions/domain/subscriber-admin.ts';
import { addSubscriber, subscriberIdFor, type SubscriberRecord } from '../../functions/domain/subscribers.ts';
import { manageToken } from '../../functions/domain/tokens.ts';
import { generatedSubscriber } from '../../local/generate-subscribers.ts';
import { runExportCommand } from '../../local/export-command.ts';
import { SAMPLE_ISSUE_ID } from '../support/profile.ts';
import { sentEmails, startTestStack, type TestStack } from '../support/embedded-stack.ts';

const ADMIN = 'subscribers-admin-test-token-0123456789';
const LISTED = 130;
const DOMAIN = 'listed.example';
let test: TestStack;

type Answer = { status: number; text: string; bytes: Buffer; type: string; json: Record<string, unknown> & ErrorBody };
type ErrorBody = { error?: { code: string; field?: string; message: string } };

async function call(
  method: string,
  path: string,
  init: { body?: string | Uint8Array<ArrayBuffer>; type?: string; token?: string | null } = {},
): Promise<Answer> {
  const token = init.token === undefined ? ADMIN : init.token;
  const response = await fetch(`${test.stack.urls.api}${path}`, {
    method,
    headers: {
      ...(token && { authorization: `Bearer ${token}` }),
      ...(init.type && { 'content-type': init.type }),
    },
    ...(init.body !== undefined && { body: init.body }),
  });
  // The bytes as sent: text() would drop a byte-order mark.
  const bytes = Buffer.from(await response.arrayBuffer());
  const text = bytes.toString('utf8');
  let json = {};
  try {
    json = JSON.parse(text);
  } catch {
    // CSV
  }
  return { status: response.status, text, bytes, type: response.headers.get('content-type') ?? '', json };
}
const importList = (body: string | Uint8Array<ArrayBuffer>, type = 'text/csv') =>
  call('POST', '/api/suppressions', { body, type });

const services = () => test.stack.services;
const stored = (email: string) => services().subscribers.get(subscriberIdFor(email));
const listed = (i: number) => generatedSubscriber(services().reference, i, DOMAIN, '2026-11-01T10:00:00.000Z');
/** Every item of the tables holding `text` anywhere. */
async function itemsHolding(text: string) {
  const found: Record<string, unknown>[] = [];
  for (const table of ['herald-subscribers', 'herald-deliveries']) {
    const { Items = [] } = await test.stack.clients.dynamo.send(new ScanCommand({ TableName: table }));
    found.push(...Items.filter((item) => JSON.stringify(item).includes(text)));
  }
  return found;
}
/** A subscriber of our own, stored as an import or the sample data would. */
async function aSubscriber(email: string, fields: Partial<SubscriberRecord> = {}) {
  const subscriber = { ...listed(0), id: subscriberIdFor(email), email, ...fields };
  await addSubscriber(services(), subscriber);
  return subscriber;
}

/** The listed subscribers: every fifth is unsubscribed, so the counts per status differ. */
const generated = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ ...listed(i), ...(i % 5 === 0 && { status: 'unsubscribed' as const }) }));

beforeAll(async () => {
  test = await startTestStack('subscribers-admin', { adminToken: ADMIN });
  for (const subscriber of generated(LISTED)) await addSubscriber(services(), subscriber);
}, 120_000);
afterAll(async () => {
  await test?.dispose();
});

describe('the list', () => {
  it('pages through every match by cursor, 50 at a time, with the total and the counts per status', async () => {
    const ids = new Set<string>();
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await call('GET', `/api/subscribers?q=${DOMAIN}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      const body = page.json as { subscribers: { id: string; email: string }[]; nextCursor?: string; total: number };
      expect(body.total).toBe(LISTED);
      expect(page.json.byStatus).toEqual({ pending: 0, confirmed: 104, unsubscribed: 26, suppressed: 0 });
      expect(body.subscribers.length).toBeLessThanOrEqual(50);
      for (const s of body.subscribers) {
        expect(s.email).toContain(DOMAIN);
        ids.add(s.id);
      }
      cursor = body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(ids.size).toBe(LISTED);
  });

  it("goes on from the cursor when the cursor's subscriber was erased meanwhile", async () => {
    const first = await call('GET', `/api/subscribers?q=${DOMAIN}&limit=5`);
    const seen = (first.json.subscribers as { id: string }[]).map((s) => s.id);
    await call('DELETE', `/api/subscribers/${seen.at(-1)}`);
    const next = await call('GET', `/api/subscribers?q=${DOMAIN}&limit=5&cursor=${first.json.nextCursor}`);
    const ids = (next.json.subscribers as { id: string }[]).map((s) => s.id);
    expect(ids).toHaveLength(5);
    expect(ids.filter((id) => seen.includes(id))).toEqual([]);
    expect(next.json.total).toBe(LISTED - 1);
    // Back as it was, for the tests after this one.
    await addSubscriber(
      services(),
      generated(LISTED).find((s) => s.id === seen.at(-1))!,
    );
  });

  it('filters by country, language, region, status and topic, and searches names in any case', async () => {
    const expected = Array.from({ length: LISTED }, (_, i) => listed(i)).filter(
      (s, i) => s.country === 'BG' && i % 5 !== 0,
    );
    const page = await call('GET', `/api/subscribers?q=${DOMAIN}&country=BG&status=confirmed&limit=200`);
    const rows = page.json.subscribers as { email: string; country: string; status: string }[];
    expect(rows.map((r) => r.email).sort()).toEqual(expected.map((s) => s.email).sort());
    expect(page.json.total).toBe(expected.length);

    const { language, region } = listed(7);
    const narrow = await call('GET', `/api/subscribers?q=READER7@${DOMAIN}&language=${language}&region=${region}`);
    expect((narrow.json.subscribers as { email: string }[]).map((r) => r.email)).toEqual([`reader7@${DOMAIN}`]);

    await aSubscriber(`topical@${DOMAIN}`, { topics: ['funding'], name: 'Mila Topical' });
    const topical = await call('GET', `/api/subscribers?topic=funding&q=mila top`);
    expect((topical.json.subscribers as { email: string }[]).map((r) => r.email)).toEqual([`topical@${DOMAIN}`]);
  });

  it.each([
    ['status=gone', 'status'],
    ['country=XX', 'country'],
    ['topic=knitting', 'topic'],
    ['cursor=not-a-cursor!!', 'cursor'],
    ['limit=5000', 'limit'],
    ['colour=blue', 'colour'],
  ])('refuses ?%s naming the field', async (query, field) => {
    const answer = await call('GET', `/api/subscribers?${query}`);
    expect(answer.status).toBe(400);
    expect(answer.json.error?.field).toBe(field);
  });

  it('answers 403 to an editor and a coordinator on every admin route, 401 without a token', async () => {
    const id = subscriberIdFor(`reader1@${DOMAIN}`);
    const routes: [string, string][] = [
      ['GET', '/api/subscribers'],
      ['GET', '/api/subscribers/export'],
      ['GET', `/api/subscribers/${id}`],
      ['DELETE', `/api/subscribers/${id}`],
      ['POST', `/api/subscribers/${id}/unsubscribe`],
      ['POST', `/api/subscribers/${id}/suppress`],
      ['POST', `/api/subscribers/${id}/resend-confirmation`],
      ['POST', '/api/suppressions'],
    ];
    for (const [method, path] of routes) {
      for (const token of [test.stack.tokens.editor, test.stack.tokens.coordinator]) {
        const upload = method === 'POST' ? { body: 'a@b.example', type: 'text/csv' } : {};
        expect((await call(method, path, { token, ...upload })).status).toBe(403);
      }
      expect((await call(method, path, { token: null })).status).toBe(401);
    }
    expect((await stored(`reader1@${DOMAIN}`))?.status).toBe('confirmed');
  });
});

describe("a subscriber's page and actions", () => {
  it('shows the consent record and each issue sent, with its delivery state', async () => {
    const subscriber = await aSubscriber('ana.page@example.es', { name: 'Ana Page' });
    await services().deliveries.put({
      issueId: SAMPLE_ISSUE_ID,
      subscriberId: subscriber.id,
      status: 'sent',
      country: subscriber.country,
      language: subscriber.language,
      region: subscriber.region,
      claimedAt: '2026-11-02T09:00:00.000Z',
      sentAt: '2026-11-02T09:00:01.000Z',
      deliveredAt: '2026-11-02T09:00:03.000Z',
      messageId: 'message-1',
    });
    const page = await call('GET', `/api/subscribers/${subscriber.id}`);
    expect(page.status).toBe(200);
    expect(page.json.subscriber).toMatchObject({
      email: 'ana.page@example.es',
      consent: { at: subscriber.consent.at, form: 'generated', textVersion: 'generated', ip: '127.0.0.1' },
    });
    const issue = await services().issues.get(SAMPLE_ISSUE_ID);
    expect(page.json.deliveries).toEqual([
      expect.objectContaining({
        issueId: SAMPLE_ISSUE_ID,
        title: issue?.title,
        status: 'sent',
        deliveredAt: expect.any(String),
      }),
    ]);
    expect((await call('GET', `/api/subscribers/${subscriberIdFor('nobody@example.es')}`)).status).toBe(404);
  });

  it('unsubscribes, then suppresses; an unsubscribe never undoes the suppression', async () => {
    const { id } = await aSubscriber('actions@example.es');
    const unsubscribed = await call('POST', `/api/subscribers/${id}/unsubscribe`);
    expect(unsubscribed.json).toMatchObject({ status: 'unsubscribed', unsubscribeSource: 'admin' });
    const suppressed = await call('POST', `/api/subscribers/${id}/suppress`);
    expect(suppressed.json).toMatchObject({ status: 'suppressed', suppressionReason: 'admin' });
    expect((await call('POST', `/api/subscribers/${id}/unsubscribe`)).json).toMatchObject({ status: 'suppressed' });
    expect((await stored('actions@example.es'))?.status).toBe('suppressed');
    expect((await call('POST', `/api/subscribers/${subscriberIdFor('gone@example.es')}/suppress`)).status).toBe(404);
  });

  it('resends the confirmation link to a pending signup, which confirms it; a confirmed one has nothing to resend', async () => {
    const email = 'pending.reader@example.gr';
    const signup = await call('POST', '/api/subscribe', {
      token: null,
      type: 'application/json',
      body: JSON.stringify({ email, language: 'el', country: 'GR', consent: true }),
    });
    expect(signup.status).toBe(202);
    const id = subscriberIdFor(email);
    const resent = await call('POST', `/api/subscribers/${id}/resend-confirmation`);
    expect(resent.status).toBe(202);
    const mails = (await sentEmails(test.stack)).filter((e) => e.destination.to.includes(email));
    expect(mails).toHaveLength(2);
    const token = /token=([\w.-]+)/.exec(mails[1]!.body.text ?? '')![1]!;
    const confirmed = await call('POST', `/api/subscribe/confirm?token=${token}`, {
      token: null,
      type: 'application/json',
      body: '{}',
    });
    expect(confirmed.status).toBeLessThan(400);
    expect((await stored(email))?.status).toBe('confirmed');
    const again = await call('POST', `/api/subscribers/${id}/resend-confirmation`);
    expect(again.status).toBe(409);
    expect(again.json.error?.field).toBe('status');
  });

  it('erases after which nothing names the person, their deliveries are anonymous and their links are dead', async () => {
    const email = 'erase.me@example.pt';
    const subscriber = await aSubscriber(email, { name: 'Erin Erasable' });
    await services().deliveries.put({
      issueId: SAMPLE_ISSUE_ID,
      subscriberId: subscriber.id,
      status: 'sent',
      country: subscriber.country,
      language: subscriber.language,
      region: subscriber.region,
      claimedAt: '2026-11-02T09:00:00.000Z',
      sentAt: '2026-11-02T09:00:01.000Z',
      messageId: 'message-erase',
    });
    const link = manageToken(services().tokens, subscriber.id);
    expect((await call('GET', `/api/preferences/${link}`, { token: null })).status).toBe(200);

    expect((await call('DELETE', `/api/subscribers/${subscriber.id}`)).status).toBe(204);
    expect((await call('GET', `/api/subscribers/${subscriber.id}`)).status).toBe(404);
    expect(await itemsHolding(email)).toEqual([]);
    expect(await itemsHolding('Erin Erasable')).toEqual([]);
    expect(await itemsHolding(subscriber.id)).toEqual([]);
    expect(await services().deliveries.findByMessageId('message-erase')).toBeUndefined();
    expect((await call('GET', `/api/preferences/${link}`, { token: null })).status).toBeGreaterThanOrEqual(400);
    expect((await call('DELETE', `/api/subscribers/${subscriber.id}`)).status).toBe(404);
  });
});

describe('the CSV export', () => {
  it('opens as UTF-8 with a byte-order mark and human headers, formulas shown as text', async () => {
    await aSubscriber(`formula@${DOMAIN}`, { name: '=HYPERLINK("http://evil.example","Click")' });
    await aSubscriber(`accents@${DOMAIN}`, { name: '@SUM(1) Šárka Ñúñez' });
    const answer = await call('GET', `/api/subscribers/export?q=${DOMAIN}&status=confirmed`);
    expect(answer.status).toBe(200);
    expect(answer.type).toMatch(/^text\/csv; charset=utf-8/);
    expect([...answer.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = answer.text.slice(1).split('\r\n');
    expect(lines[0]).toBe(
      'Email,Name,Status,Language,Country,Region,Topics,Signed up,Confirmed,Unsubscribed,Suppressed,' +
        'Suppression reason,Consent source,Consent given,Consent text version',
    );
    expect(lines).toContainEqual(
      expect.stringContaining(`formula@${DOMAIN},"'=HYPERLINK(""http://evil.example"",""Click"")"`),
    );
    expect(lines).toContainEqual(expect.stringContaining(`accents@${DOMAIN},'@SUM(1) Šárka Ñúñez,confirmed`));
    // The confirmed ones only: 104 generated, the topical one and these two.
    expect(lines.filter((line) => line.includes(`@${DOMAIN}`))).toHaveLength(107);
    expect(answer.text.endsWith('\r\n')).toBe(true);
  });

  it('comes in pages that make the same file when joined', async () => {
    const whole = (await exportSubscribers(services(), { q: DOMAIN })).csv;
    let joined = '';
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await exportSubscribers(services(), { q: DOMAIN, ...(cursor && { cursor }) }, 2000);
      joined += page.csv;
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBeGreaterThan(3);
    expect(joined).toBe(whole);
  });
});

describe('herald export subscribers', () => {
  it('writes the filtered subscribers as one CSV file, the byte-order mark and headers once', async () => {
    const chunks: Uint8Array[] = [];
    const rows = await runExportCommand({
      url: test.stack.urls.api,
      token: ADMIN,
      filters: { status: 'unsubscribed', q: DOMAIN, country: undefined },
      out: { write: (chunk) => chunks.push(chunk) },
    });
    const file = Buffer.concat(chunks);
    expect([...file.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = file.toString('utf8').slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^Email,Name,Status,/);
    expect(rows).toBe(26);
    expect(lines.slice(1).every((line) => line.includes(',unsubscribed,'))).toBe(true);
    expect(lines).toHaveLength(27);
  });

  it("fails with the API's message for a filter it refuses", async () => {
    await expect(
      runExportCommand({
        url: test.stack.urls.api,
        token: ADMIN,
        filters: { status: 'gone' },
        out: { write: () => 0 },
      }),
    ).rejects.toThrow(/400: status/);
  });
});

describe('the suppression import', () => {
  it('suppresses known and unknown addresses, reports bad lines by number, and changes nothing when run again', async () => {
    await aSubscriber('known.reader@example.bg');
    const csv = [
      'Email,Note',
      'Known.Reader@EXAMPLE.BG,bounced in the old tool',
      'stranger@example.it,unsubscribed in the old tool',
      '"=HYPERLINK(""http://evil.example"")",formula',
      '"two@example.it',
      'lines@example.it",across lines',
      '',
      'stranger@example.it,twice',
    ].join('\n');
    const first = await importList(csv);
    expect(first.status).toBe(200);
    expect(first.json).toEqual({
      suppressed: 2,
      alreadySuppressed: 1,
      errors: [
        { line: 4, field: 'email', message: expect.any(String) },
        { line: 5, field: 'email', message: expect.any(String) },
      ],
      skipped: [],
    });
    expect(await stored('known.reader@example.bg')).toMatchObject({
      status: 'suppressed',
      suppressionReason: 'import',
    });
    expect(await stored('stranger@example.it')).toMatchObject({ status: 'suppressed', email: 'stranger@example.it' });

    const again = await importList(csv);
    expect(again.json).toMatchObject({ suppressed: 0, alreadySuppressed: 3 });
  });

  it('takes one address per line; a suppressed stranger who signs up gets no mail and stays suppressed', async () => {
    const answer = await importList('quiet.one@example.lv\r\nquiet.two@example.lv\r\n', 'text/plain');
    expect(answer.json).toEqual({ suppressed: 2, alreadySuppressed: 0, errors: [], skipped: [] });
    const signup = await call('POST', '/api/subscribe', {
      token: null,
      type: 'application/json',
      body: JSON.stringify({ email: 'quiet.one@example.lv', language: 'lv', country: 'LV', consent: true }),
    });
    expect(signup.status).toBe(202);
    expect((await sentEmails(test.stack)).filter((e) => e.destination.to.includes('quiet.one@example.lv'))).toEqual([]);
    expect((await stored('quiet.one@example.lv'))?.status).toBe('suppressed');
  });

  it.each([
    ['an unclosed quote', '"never@example.it\nclosed@example.it', 'text/csv', 400, 'body'],
    ['columns without an email column', 'name,country\nAna,ES\n', 'text/csv', 400, 'email'],
    ['an empty body', '', 'text/csv', 400, 'body'],
    ['JSON', '{"email":"json@example.it"}', 'application/json', 400, 'content-type'],
    ['bytes that are not UTF-8', Buffer.from([0xff, 0xfe, 0x41, 0x40, 0xc3]), 'text/csv', 400, 'body'],
  ])('refuses %s naming the field, and stores nothing', async (_what, body, type, status, field) => {
    const answer = await importList(body, type);
    expect(answer.status).toBe(status);
    expect(answer.json.error?.field).toBe(field);
    expect(await itemsHolding('never@example.it')).toEqual([]);
    expect(await itemsHolding('json@example.it')).toEqual([]);
  });

  it('refuses a 10 MB body by name before reading it all', async () => {
    const answer = await importList(`flood@example.it,${'x'.repeat(10 * 1024 * 1024)}\n`);
    expect(answer.status).toBe(413);
    expect(answer.json.error?.field).toBe('body');
    expect(await stored('flood@example.it')).toBeUndefined();
  });

  it('reports lines of garbage one by one, storing nothing', async () => {
    const garbage = Array.from({ length: 4000 }, (_, i) => `garbage ${i} ${'#'.repeat(50)}`).join('\n');
    const answer = await importList(garbage);
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ suppressed: 0, alreadySuppressed: 0 });
    expect((answer.json as { errors: unknown[] }).errors).toHaveLength(4000);
  });
});
