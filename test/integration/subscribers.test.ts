// Subscribers on the embedded stack: signup, double opt-in, one-click unsubscribe, preferences, export, erasure.
import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedStack } from '../../local/stack.ts';
import { sentEmails, startTestStack, type StoredEmail, type TestStack } from '../support/embedded-stack.ts';
import { subscriberIdFor } from '../../functions/domain/subscribers.ts';

let test: TestStack;
let stack: EmbeddedStack;

const request = async (
  method: string,
  path: string,
  init: { body?: string; type?: string; headers?: Record<string, string> } = {},
) => {
  const response = await fetch(`${stack.urls.api}${path}`, {
    method,
    headers: { ...(init.type && { 'content-type': init.type }), ...init.headers },
    ...(init.body !== undefined && { body: init.body }),
    redirect: 'manual',
  });
  const text = await response.text();
  let json: { error?: { code: string; field?: string; message: string } } & Record<string, unknown> = {};
  try {
    json = JSON.parse(text);
  } catch {
    // an HTML page
  }
  return { status: response.status, text, json };
};
const subscribe = (body: unknown) =>
  request('POST', '/api/subscribe', { body: JSON.stringify(body), type: 'application/json' });
const emails = () => sentEmails(stack);
const mailTo = async (address: string) => (await emails()).filter((e) => e.destination.to.includes(address));
const linkIn = (email: StoredEmail | undefined, path: string) => {
  const match = new RegExp(`https?://[^"\\s]+${path}[^"\\s<]*`).exec(email?.body.html ?? '');
  return match ? new URL(match[0].replace(/&amp;/g, '&')) : undefined;
};
const subscriber = (email: string) => stack.services.subscribers.get(subscriberIdFor(email));

const valid = {
  email: 'Ivana.Petrova@Example.BG',
  language: 'bg',
  country: 'BG',
  region: 'Haskovo',
  topics: ['events'],
  consent: true,
};

beforeAll(async () => {
  process.env.HERALD_SIGNUP_ADDRESS_LIMIT = '3';
  // Every request here comes from 127.0.0.1; the per-IP limit has its own unit test.
  process.env.HERALD_SIGNUP_RATE_LIMIT = '1000';
  test = await startTestStack('subscribers');
  stack = test.stack;
});

afterAll(async () => {
  await test?.dispose();
  delete process.env.HERALD_SIGNUP_ADDRESS_LIMIT;
  delete process.env.HERALD_SIGNUP_RATE_LIMIT;
});

describe('signup and double opt-in', () => {
  it('answers 202 and sends a confirmation email in the chosen language; the subscriber stays pending', async () => {
    const response = await subscribe(valid);
    expect(response.status).toBe(202);
    const stored = await subscriber(valid.email);
    expect(stored).toMatchObject({
      email: 'Ivana.Petrova@example.bg',
      status: 'pending',
      language: 'bg',
      region: 'Haskovo',
    });
    expect(stored?.consent).toMatchObject({
      form: 'api',
      language: 'bg',
      ip: expect.any(String),
      textVersion: expect.any(String),
    });
    const [mail] = await mailTo('Ivana.Petrova@example.bg');
    expect(mail?.body.html).toContain('lang="bg"');
    expect(linkIn(mail, '/api/subscribe/confirm')).toBeDefined();
  });

  it('shows a localized page with a button when the link is opened, and changes nothing', async () => {
    const [mail] = await mailTo('Ivana.Petrova@example.bg');
    const link = linkIn(mail, '/api/subscribe/confirm')!;
    for (let i = 0; i < 2; i += 1) {
      // A mail scanner, then the person: neither GET confirms.
      const page = await request('GET', link.pathname + link.search);
      expect(page.status).toBe(200);
      expect(page.text).toContain('lang="bg"');
      expect(page.text).toContain(`<form method="post" action="/api/subscribe/confirm?token&#x3D;`);
    }
    expect((await subscriber(valid.email))?.status).toBe('pending');
  });

  it('confirms when the page’s button posts the form, with a localized page', async () => {
    const [mail] = await mailTo('Ivana.Petrova@example.bg');
    const link = linkIn(mail, '/api/subscribe/confirm')!;
    const page = await request('POST', link.pathname + link.search, {
      body: '',
      type: 'application/x-www-form-urlencoded',
    });
    expect(page.status).toBe(200);
    expect(page.text).toContain('lang="bg"');
    expect(page.text).toContain('/preferences/');
    expect((await subscriber(valid.email))?.status).toBe('confirmed');
    expect((await subscriber(valid.email))?.consent.confirmedAt).toBeDefined();
    // Opening the link again shows that it is done.
    expect((await request('GET', link.pathname + link.search)).text).not.toContain('<form method="post"');
  });

  it('confirms from JSON too, refusing unknown fields by name', async () => {
    await subscribe({ ...valid, email: 'json.client@example.org' });
    const link = linkIn((await mailTo('json.client@example.org'))[0], '/api/subscribe/confirm')!;
    const path = link.pathname + link.search;
    const refused = await request('POST', path, { body: '{"confirmed":true}', type: 'application/json' });
    expect([refused.status, refused.json.error?.field]).toEqual([400, 'confirmed']);
    expect((await subscriber('json.client@example.org'))?.status).toBe('pending');
    const done = await request('POST', path);
    expect([done.status, done.json.status]).toEqual([200, 'confirmed']);
    expect((await request('POST', '/api/subscribe/confirm?token=garbage')).json.error?.field).toBe('token');
  });

  it('answers the same to a known address and resends the confirmation, never duplicating the subscriber', async () => {
    const before = (await mailTo('Ivana.Petrova@example.bg')).length;
    const again = await subscribe({ ...valid, email: '  Ivana.Petrova@EXAMPLE.bg ', language: 'en' });
    expect(again.status).toBe(202);
    expect(again.json).toEqual((await subscribe({ ...valid, email: 'someone.new@example.org' })).json);
    expect((await mailTo('Ivana.Petrova@example.bg')).length).toBe(before + 1);
    // Still confirmed, in Bulgarian, until the new link is followed.
    expect(await subscriber(valid.email)).toMatchObject({ status: 'confirmed', language: 'bg' });
  });

  it('refuses bad signups with a 4xx naming the field, storing nothing and sending nothing', async () => {
    const sentBefore = (await emails()).length;
    const cases: [unknown, string][] = [
      [{ ...valid, email: 'no-at-sign.example.org' }, 'email'],
      [{ ...valid, email: 'two words@example.org' }, 'email'],
      [{ ...valid, email: `${'a'.repeat(250)}@example.org` }, 'email'],
      [{ ...valid, email: 'x@example.org\r\nBcc: y@example.org' }, 'email'],
      [{ ...valid, language: 'fr' }, 'language'],
      [{ ...valid, country: 'FR' }, 'country'],
      [{ ...valid, region: 'Mazowieckie' }, 'region'],
      [{ ...valid, consent: false }, 'consent'],
      [{ email: valid.email, language: 'bg', country: 'BG' }, 'consent'],
      [{ ...valid, colour: 'blue' }, 'colour'],
      [{ ...valid, topics: ['gossip'] }, 'topics.0'],
      [{ ...valid, name: 'Ivana\r\nBcc: y@example.org' }, 'name'],
      [{ ...valid, name: 'Ivana\u2028Petrova' }, 'name'],
      [{ ...valid, form: 'import' }, 'form'],
    ];
    for (const [body, field] of cases) {
      const response = await subscribe({
        ...(body as object),
        email: (body as { email: string }).email.replace('Ivana', 'Other'),
      });
      expect(response.status, field).toBe(400);
      expect(response.json.error?.field, field).toBe(field);
    }
    const raw = async (body: string, type: string) => request('POST', '/api/subscribe', { body, type });
    expect((await raw('{"email":', 'application/json')).json.error?.field).toBe('body');
    expect((await raw(JSON.stringify(valid), 'text/plain')).json.error?.field).toBe('content-type');
    expect(
      (await raw(JSON.stringify({ ...valid, name: 'x'.repeat(11_000) }), 'application/json')).json.error?.field,
    ).toBe('body');
    expect((await emails()).length).toBe(sentBefore);
    expect(await subscriber('Other.Petrova@example.bg')).toBeUndefined();
  });

  it('pretends to accept a signup with the honeypot filled, and stores and sends nothing', async () => {
    const response = await subscribe({ ...valid, email: 'bot@example.org', website: 'http://spam.example' });
    expect(response.status).toBe(202);
    expect(await subscriber('bot@example.org')).toBeUndefined();
    expect(await mailTo('bot@example.org')).toHaveLength(0);
  });

  it('limits signups per address, answering 429', async () => {
    const address = { ...valid, email: 'eager@example.org' };
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await subscribe(address)).status);
    expect(statuses).toEqual([202, 202, 202, 429]);
  });

  it('limits signups per mailbox: plus-tags, Gmail dots and case do not get around it', async () => {
    const statuses = [];
    for (const email of ['eager.reader@gmail.com', 'EagerReader+news@gmail.com', 'e.a.g.e.r.reader@googlemail.com'])
      statuses.push((await subscribe({ ...valid, email })).status);
    statuses.push((await subscribe({ ...valid, email: 'eagerreader+4@Gmail.com' })).status);
    expect(statuses).toEqual([202, 202, 202, 429]);
    // The addresses are stored as typed.
    expect((await subscriber('EagerReader+news@gmail.com'))?.email).toBe('EagerReader+news@gmail.com');
  });

  it('keeps no IP or email address in its rate-limit items, and gives each an expiry', async () => {
    const items = (
      await stack.clients.dynamo.send(new ScanCommand({ TableName: stack.services.config.tables.subscribers }))
    ).Items!.filter((item) => String(item.id).startsWith('rate#'));
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      expect(String(item.id)).not.toMatch(/127\.0\.0\.1|::1|@|eager|example/i);
      expect(item.expiresAt).toBeGreaterThan(Date.now() / 1000);
    }
  });

  it('works as a plain HTML form without JavaScript', async () => {
    const page = await request('GET', '/subscribe?lang=el');
    expect(page.text).toContain('lang="el"');
    const form = new URLSearchParams({
      email: 'nikos@example.gr',
      language: 'el',
      country: 'GR',
      region: 'Peloponnese',
      consent: 'true',
      website: '',
    });
    form.append('topics', 'events');
    form.append('topics', 'funding');
    const done = await request('POST', '/api/subscribe', {
      body: form.toString(),
      type: 'application/x-www-form-urlencoded',
    });
    expect(done.status).toBe(202);
    expect(done.text).toContain('lang="el"');
    expect(await subscriber('nikos@example.gr')).toMatchObject({
      topics: ['events', 'funding'],
      consent: { form: 'signup-page' },
    });
    const refused = await request('POST', '/api/subscribe', {
      body: new URLSearchParams({ email: 'nikos@example.gr', language: 'el', country: 'GR' }).toString(),
      type: 'application/x-www-form-urlencoded',
    });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('lang="el"');
    // Where consent came from is the server's to say.
    const claimed = await request('POST', '/api/subscribe', {
      body: new URLSearchParams({ ...Object.fromEntries(form), email: 'eleni@example.gr', form: 'import' }).toString(),
      type: 'application/x-www-form-urlencoded',
    });
    expect(claimed.status).toBe(400);
    expect(await subscriber('eleni@example.gr')).toBeUndefined();
  });
});

describe('links and tokens', () => {
  it('refuses forged, tampered, truncated and expired tokens on every token route, changing nothing', async () => {
    const id = subscriberIdFor(valid.email);
    const manage = stack.services.tokens.sign({ purpose: 'manage', subscriberId: id });
    const expired = stack.services.tokens.sign({ purpose: 'confirm', subscriberId: id, expiresAt: 1_000 });
    const bad = [
      'forged.token',
      manage.slice(0, -3) + (manage.endsWith('AAA') ? 'BBB' : 'AAA'),
      manage.slice(0, 20),
      stack.services.tokens.sign({ purpose: 'confirm', subscriberId: id }), // a confirm token is no manage token
    ];
    for (const token of bad) {
      expect((await request('GET', `/unsubscribe/${encodeURIComponent(token)}`)).status).toBe(400);
      expect(
        (
          await request('POST', `/unsubscribe/${encodeURIComponent(token)}`, {
            body: 'List-Unsubscribe=One-Click',
            type: 'application/x-www-form-urlencoded',
          })
        ).status,
      ).toBe(400);
      expect((await request('GET', `/api/preferences/${encodeURIComponent(token)}`)).json.error?.field).toBe('token');
      expect((await request('GET', `/api/preferences/${encodeURIComponent(token)}/export`)).status).toBe(400);
      expect((await request('DELETE', `/api/preferences/${encodeURIComponent(token)}`)).status).toBe(400);
    }
    const page = await request('GET', `/api/subscribe/confirm?token=${encodeURIComponent(expired)}`);
    expect(page.status).toBe(410);
    expect((await request('GET', '/api/subscribe/confirm?token=garbage')).status).toBe(400);
    expect((await subscriber(valid.email))?.status).toBe('confirmed');
  });
});

describe('tracking consent', () => {
  const address = 'measured.reader@example.gr';
  const form = (fields: Record<string, string>) => ({
    body: new URLSearchParams(fields).toString(),
    type: 'application/x-www-form-urlencoded',
  });
  const preferences = { language: 'el', country: 'GR', region: 'Peloponnese' };

  it('records the choice from the signup form, and changes it on the preferences, noting when', async () => {
    const signed = await request(
      'POST',
      '/api/subscribe',
      form({ email: address, ...preferences, consent: 'true', tracking: 'true' }),
    );
    expect(signed.status).toBe(202);
    const link = linkIn((await mailTo(address))[0], '/api/subscribe/confirm')!;
    expect((await request('POST', link.pathname + link.search)).json).toMatchObject({
      status: 'confirmed',
      tracking: true,
    });
    const chosenAt = (await subscriber(address))!.consent.tracking!.at;
    expect(await subscriber(address)).toMatchObject({ tracking: true, consent: { tracking: { allowed: true } } });

    const token = stack.services.tokens.sign({ purpose: 'manage', subscriberId: subscriberIdFor(address) });
    const page = await request('GET', `/preferences/${token}`);
    expect(page.text).toMatch(/id="tracking"[^>]*checked/);
    // The box left unticked on the form: no longer measured.
    const saved = await request('POST', `/preferences/${token}`, form(preferences));
    expect(saved.status).toBe(200);
    expect(saved.text).not.toMatch(/id="tracking"[^>]*checked/);
    const after = (await subscriber(address))!;
    expect(after).toMatchObject({ tracking: false, consent: { tracking: { allowed: false } } });
    expect(after.consent.tracking!.at >= chosenAt).toBe(true);
    expect((await request('GET', `/api/preferences/${token}`)).json).toMatchObject({ tracking: false });
    expect((await request('GET', `/api/preferences/${token}/export`)).json).toMatchObject({
      subscriber: { tracking: false, consent: { tracking: { allowed: false } } },
    });
  });

  it('refuses a tracking choice that is not true or false by name, changing nothing', async () => {
    const token = stack.services.tokens.sign({ purpose: 'manage', subscriberId: subscriberIdFor(address) });
    const refused = await request('PUT', `/api/preferences/${token}`, {
      body: JSON.stringify({ ...preferences, tracking: 'yes' }),
      type: 'application/json',
    });
    expect([refused.status, refused.json.error?.field]).toEqual([400, 'tracking']);
    const changed = await request('PUT', `/api/preferences/${token}`, {
      body: JSON.stringify({ ...preferences, tracking: true }),
      type: 'application/json',
    });
    expect(changed.json).toMatchObject({ tracking: true });
    const bad = await subscribe({ ...valid, email: 'not.a.boolean@example.org', tracking: 1 });
    expect([bad.status, bad.json.error?.field]).toEqual([400, 'tracking']);
    expect(await subscriber('not.a.boolean@example.org')).toBeUndefined();
  });
});

describe('unsubscribe and preferences', () => {
  let token: string;
  beforeAll(() => {
    token = stack.services.tokens.sign({
      purpose: 'manage',
      subscriberId: subscriberIdFor(valid.email),
      issueId: 'secon-newsletter-5',
    });
  });

  it('shows a page with a button on GET and changes nothing', async () => {
    const page = await request('GET', `/unsubscribe/${token}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<form');
    expect((await subscriber(valid.email))?.status).toBe('confirmed');
  });

  it('changes language and region, refusing a region of another country by name', async () => {
    const path = `/api/preferences/${token}`;
    const changed = await request('PUT', path, {
      body: JSON.stringify({ language: 'en', country: 'BG', region: 'other', topics: ['policy'] }),
      type: 'application/json',
    });
    expect(changed.json).toMatchObject({ language: 'en', region: 'other', topics: ['policy'] });
    const refused = await request('PUT', path, {
      body: JSON.stringify({ language: 'en', country: 'BG', region: 'Harghita' }),
      type: 'application/json',
    });
    expect([refused.status, refused.json.error?.field]).toEqual([400, 'region']);
    expect((await request('GET', path)).json).toMatchObject({ email: 'Ivana.Petrova@example.bg', language: 'en' });
  });

  it('unsubscribes in one click (RFC 8058), once, recording where it came from', async () => {
    const post = () =>
      request('POST', `/unsubscribe/${token}`, {
        body: 'List-Unsubscribe=One-Click',
        type: 'application/x-www-form-urlencoded',
      });
    expect((await post()).status).toBe(200);
    expect((await post()).status).toBe(200);
    expect(await subscriber(valid.email)).toMatchObject({
      status: 'unsubscribed',
      unsubscribeSource: 'one-click',
      unsubscribeIssueId: 'secon-newsletter-5',
    });
  });

  it('does not bring an unsubscribed subscriber back through an old confirmation link', async () => {
    for (const mail of await mailTo('Ivana.Petrova@example.bg')) {
      const link = linkIn(mail, '/api/subscribe/confirm')!;
      expect((await request('GET', link.pathname + link.search)).status).toBe(410);
      const posted = await request('POST', link.pathname + link.search, {
        body: '',
        type: 'application/x-www-form-urlencoded',
      });
      expect(posted.status).toBe(410);
    }
    expect((await subscriber(valid.email))?.status).toBe('unsubscribed');
  });

  it("shows a subscriber's pages in their language, or in the one the page's picker chose", async () => {
    expect((await request('GET', `/unsubscribe/${token}`)).text).toContain('lang="en"');
    expect((await request('GET', `/unsubscribe/${token}?lang=pl`)).text).toContain('lang="pl"');
  });

  it('keeps an unsubscribed subscriber unsubscribed, with their history, when anyone signs the address up', async () => {
    const before = (await subscriber(valid.email))!;
    expect((await subscribe(valid)).status).toBe(202);
    const after = (await subscriber(valid.email))!;
    expect(after).toMatchObject({
      status: 'unsubscribed',
      language: 'en',
      createdAt: before.createdAt,
      unsubscribedAt: before.unsubscribedAt,
      unsubscribeSource: 'one-click',
      pendingChange: { language: 'bg' },
    });
  });

  it('exports everything held about the subscriber, then erases it', async () => {
    const exported = await request('GET', `/api/preferences/${token}/export`);
    expect(exported.json).toMatchObject({
      subscriber: { email: 'Ivana.Petrova@example.bg', consent: { language: 'bg' } },
    });
    expect((await request('DELETE', `/api/preferences/${token}`)).status).toBe(204);
    expect(await subscriber(valid.email)).toBeUndefined();
    expect((await request('GET', `/api/preferences/${token}`)).status).toBe(400);
  });
});

describe('issue emails', () => {
  it('carry one-click unsubscribe headers and a footer link that unsubscribes their recipient', async () => {
    const editor = { authorization: `Bearer ${stack.tokens.editor}` };
    expect((await request('POST', '/api/issues/secon-newsletter-5/send', { headers: editor })).status).toBe(202);
    await stack.drained();
    const [mail] = await mailTo('maria.papadopoulou@example.gr');
    const header = mail?.headers?.find((h) => h.name === 'List-Unsubscribe')?.value ?? '';
    expect(mail?.headers).toContainEqual({ name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' });
    const url = new URL(header.slice(1, -1));
    expect(linkIn(mail, '/unsubscribe/')?.pathname).toBe(url.pathname);
    expect(
      (
        await request('POST', url.pathname, {
          body: 'List-Unsubscribe=One-Click',
          type: 'application/x-www-form-urlencoded',
        })
      ).status,
    ).toBe(200);
    expect((await subscriber('maria.papadopoulou@example.gr'))?.status).toBe('unsubscribed');
  });
});

describe('erasure after a send', () => {
  const email = 'maria.papadopoulou@example.gr';
  const issueRecords = async () =>
    (
      await stack.clients.dynamo.send(
        new QueryCommand({
          TableName: stack.services.config.tables.deliveries,
          KeyConditionExpression: 'issueId = :issueId',
          ExpressionAttributeValues: { ':issueId': 'secon-newsletter-5' },
          ConsistentRead: true,
        }),
      )
    ).Items!;

  it('leaves only anonymous delivery records, and the erased person’s links stop working after a new signup', async () => {
    const [mail] = await mailTo(email);
    const unsubscribeUrl = linkIn(mail, '/unsubscribe/')!;
    const token = unsubscribeUrl.pathname.split('/').pop()!;
    const click = linkIn(mail, '/t/click/')!;
    expect((await request('GET', click.pathname)).status).toBe(302);
    const id = subscriberIdFor(email);
    const before = await issueRecords();
    const theirs = before.find((r) => r.subscriberId === id)!;
    expect(theirs).toMatchObject({ status: 'sent', messageId: expect.any(String) });

    expect((await request('DELETE', `/api/preferences/${token}`)).status).toBe(204);
    const after = await issueRecords();
    expect(after).toHaveLength(before.length);
    expect(after.filter((r) => r.subscriberId === id)).toEqual([]);
    expect(JSON.stringify(after)).not.toContain(theirs.messageId);
    const anonymous = after.filter((r) => String(r.subscriberId).startsWith('erased-'));
    expect(anonymous).toEqual([
      expect.objectContaining({
        status: 'sent',
        country: theirs.country,
        region: theirs.region,
        sentAt: theirs.sentAt,
      }),
    ]);
    const items = (
      await stack.clients.dynamo.send(new ScanCommand({ TableName: stack.services.config.tables.subscribers }))
    ).Items!;
    expect(JSON.stringify(items)).not.toContain(id);
    expect(JSON.stringify(items)).not.toContain(email);

    // The same address signs up again: a new record with the same id, which the old links do not open.
    expect((await subscribe({ ...valid, email })).status).toBe(202);
    expect((await subscriber(email))?.status).toBe('pending');
    expect((await request('GET', unsubscribeUrl.pathname)).status).toBe(400);
    expect((await request('GET', `/api/preferences/${token}`)).status).toBe(400);
    expect((await request('GET', click.pathname)).status).toBe(404);
  });
});
