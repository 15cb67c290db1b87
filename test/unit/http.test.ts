import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  createRouter,
  html,
  json,
  parseBody,
  parseForm,
  viewerIp,
  type HttpEvent,
  type Route,
} from '../../functions/handlers/http.ts';
import { NotFoundError } from '../../functions/domain/errors.ts';
import { createTokens } from '../../functions/domain/tokens.ts';
import { trackingData, type TrackingDeps } from '../../functions/domain/tracking.ts';
import { requesterOf, trackingRoutes } from '../../functions/handlers/tracking-routes.ts';
import { fakeDeliveryStore, fakeSendCounters, fakePeopleSketches } from './fakes.ts';
import baseEvent from '../fixtures/apigw-http-v2-event.json' with { type: 'json' };

type Claims = Record<string, string | number | boolean | string[]>;

function event(
  method: string,
  path: string,
  init: { body?: string; headers?: Record<string, string>; claims?: Claims } = {},
): HttpEvent {
  return {
    ...baseEvent,
    rawPath: path,
    headers: { ...baseEvent.headers, ...init.headers },
    requestContext: {
      ...baseEvent.requestContext,
      http: { ...baseEvent.requestContext.http, method, path },
      ...(init.claims && {
        authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: init.claims as never, scopes: [] } },
      }),
    },
    ...(init.body !== undefined && { body: init.body }),
  };
}

const schema = z.strictObject({ at: z.iso.datetime().optional() });
const routes: Route[] = [
  {
    spec: { method: 'GET', path: '/api/issues/{id}', access: 'editor' },
    run: async ({ params }) => json(200, { id: params.id }),
  },
  {
    spec: { method: 'POST', path: '/api/issues/{id}/send', access: 'editor' },
    run: async ({ event }) => json(202, parseBody(event, schema)),
  },
  {
    spec: { method: 'GET', path: '/archive/{id}/{lang}', access: 'public' },
    run: async () => {
      throw new NotFoundError('edition');
    },
  },
  {
    spec: { method: 'GET', path: '/page', access: 'public' },
    run: async () => html(200, '<!doctype html><p>hello</p>'),
  },
  {
    spec: { method: 'GET', path: '/archive/{id}', access: 'public', cache: 'public' },
    run: async () => html(200, '<!doctype html><p>an issue</p>'),
  },
  {
    spec: { method: 'GET', path: '/boom', access: 'public' },
    run: async () => {
      throw new Error('database exploded');
    },
  },
];
const route = createRouter(routes);
// API Gateway's JWT authorizer passes Cognito's groups as one "[a b]" string.
const editor: Claims = { sub: 'u1', 'cognito:groups': '[editor]' };
const body = async (response: Awaited<ReturnType<typeof route>>) => JSON.parse(String(response.body));

describe('HTTP router', () => {
  it('answers 401 to an editor route without an authorized token, and 403 to a coordinator', async () => {
    const anonymous = await route(event('GET', '/api/issues/a'));
    expect(anonymous.statusCode).toBe(401);
    expect((await body(anonymous)).error.code).toBe('unauthorized');
    const coordinator = await route(
      event('GET', '/api/issues/a', { claims: { sub: 'c', 'cognito:groups': ['coordinator'] } }),
    );
    expect(coordinator.statusCode).toBe(403);
  });

  it('passes path parameters to the route for an editor or an admin', async () => {
    const response = await route(event('GET', '/api/issues/secon-5', { claims: editor }));
    expect([response.statusCode, await body(response)]).toEqual([200, { id: 'secon-5' }]);
    const admin = await route(event('GET', '/api/issues/x', { claims: { sub: 'a', 'cognito:groups': ['admin'] } }));
    expect(admin.statusCode).toBe(200);
  });

  it('answers 404 for an unknown path and 405 for a wrong method', async () => {
    expect((await route(event('GET', '/nowhere'))).statusCode).toBe(404);
    expect((await route(event('DELETE', '/api/issues/a', { claims: editor }))).statusCode).toBe(405);
  });

  it('names the field for broken JSON, a wrong content type, unknown fields and an oversized body', async () => {
    const send = (b: string, type = 'application/json') =>
      route(event('POST', '/api/issues/a/send', { body: b, headers: { 'content-type': type }, claims: editor }));
    const cases: [Promise<Awaited<ReturnType<typeof route>>>, string][] = [
      [send('{"at":'), 'body'],
      [send('{}', 'text/plain'), 'content-type'],
      [send('{"when":"now"}'), 'when'],
      [send('{"at":"tomorrow"}'), 'at'],
      [send(JSON.stringify({ at: 'x'.repeat(11_000) })), 'body'],
    ];
    for (const [pending, field] of cases) {
      const response = await pending;
      expect(response.statusCode).toBe(400);
      expect((await body(response)).error.field).toBe(field);
    }
  });

  it("logs a failure with the route's template, never the path and the link token in it", async () => {
    const lines: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    const level = process.env.LOG_LEVEL;
    process.env.LOG_LEVEL = 'error';
    process.stderr.write = ((line: string) => lines.push(line) > 0) as typeof process.stderr.write;
    try {
      const failing = createRouter([
        {
          spec: { method: 'GET', path: '/unsubscribe/{token}', access: 'public' },
          run: () => Promise.reject(new Error('x')),
        },
      ]);
      expect((await failing(event('GET', '/unsubscribe/secret-token-value'))).statusCode).toBe(500);
    } finally {
      process.stderr.write = write;
      process.env.LOG_LEVEL = level;
    }
    expect(lines.join('')).toContain('/unsubscribe/{token}');
    expect(lines.join('')).not.toContain('secret-token-value');
  });

  it('maps domain errors to their status and hides unexpected ones behind a 500', async () => {
    expect((await route(event('GET', '/archive/x/en'))).statusCode).toBe(404);
    const response = await route(event('GET', '/boom'));
    expect(response.statusCode).toBe(500);
    expect(JSON.stringify(await body(response))).not.toContain('database exploded');
  });
});

describe('routes that match the same path', () => {
  const answer = (name: string) => async () => json(200, { name });
  const router = createRouter([
    { spec: { method: 'GET', path: '/archive/{issueId}/{lang}', access: 'public' }, run: answer('edition') },
    { spec: { method: 'GET', path: '/archive/{lang}/feed.xml', access: 'public' }, run: answer('feed') },
    {
      spec: { method: 'GET', path: '/archive/{lang}', access: 'public' },
      run: async () => {
        throw new NotFoundError('the archive in "xx"');
      },
      failed: (error, request) => html(error.status, `<p>not found in ${request.params.lang}</p>`),
    },
  ]);

  it('prefers the one with a literal segment to the one with a parameter there, as API Gateway does', async () => {
    expect(JSON.parse(String((await router(event('GET', '/archive/en/feed.xml'))).body))).toEqual({ name: 'feed' });
    expect(JSON.parse(String((await router(event('GET', '/archive/issue-1/en'))).body))).toEqual({ name: 'edition' });
  });

  it("answers a page route's error with its own page, which no one keeps", async () => {
    const response = await router(event('GET', '/archive/xx/'));
    expect([response.statusCode, response.body]).toEqual([404, '<p>not found in xx</p>']);
    expect(response.headers).toMatchObject({ 'cache-control': 'no-store', 'content-type': 'text/html; charset=utf-8' });
  });
});

describe('response headers', () => {
  it('puts a policy with no script, no framing and no referrer on every HTML page', async () => {
    for (const path of ['/page', '/archive/secon-5']) {
      const { headers } = await route(event('GET', path));
      const csp = String(headers?.['content-security-policy']);
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toContain('script-src');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
      });
    }
  });

  it('keeps no answer in a cache but a cacheable route’s, and never an error', async () => {
    const cacheOf = async (path: string, claims?: Claims) =>
      (await route(event('GET', path, claims && { claims }))).headers?.['cache-control'];
    expect(await cacheOf('/api/issues/secon-5', editor)).toBe('no-store');
    expect(await cacheOf('/api/issues/secon-5')).toBe('no-store');
    expect(await cacheOf('/page')).toBe('no-store');
    expect(await cacheOf('/nowhere')).toBe('no-store');
    expect(await cacheOf('/boom')).toBe('no-store');
    expect(await cacheOf('/archive/secon-5')).toBeUndefined();
    expect(await cacheOf('/archive/x/en')).toBe('no-store');
  });
});

describe('the reader’s address', () => {
  const withHeaders = (headers: Record<string, string>) => event('GET', '/t/open/x', { headers });

  it('is the address CloudFront saw, whatever X-Forwarded-For claims', () => {
    const spoofed = { 'x-forwarded-for': '198.51.100.66, 203.0.113.7' };
    expect(viewerIp(withHeaders({ ...spoofed, 'true-client-ip': '192.0.2.44' }))).toBe('192.0.2.44');
    expect(viewerIp(withHeaders({ 'true-client-ip': '2001:db8::7' }))).toBe('2001:db8::7');
    expect(requesterOf({ event: withHeaders({ ...spoofed, 'user-agent': 'Firefox' }) })).toEqual({
      userAgent: 'Firefox',
      ip: baseEvent.requestContext.http.sourceIp,
    });
  });

  it('falls back to the connection’s address when the viewer header is missing or not an address', () => {
    const connection = { ...withHeaders({ 'x-forwarded-for': '198.51.100.66' }) };
    connection.requestContext = {
      ...connection.requestContext,
      http: { ...connection.requestContext.http, sourceIp: '192.0.2.9' },
    };
    expect(viewerIp(connection)).toBe('192.0.2.9');
    connection.headers = { ...connection.headers, 'true-client-ip': 'evil.example' };
    expect(viewerIp(connection)).toBe('192.0.2.9');
  });
});

describe('the click redirect', () => {
  it('percent-encodes a link with non-Latin characters, so the Location header is valid HTTP', async () => {
    const links = ['https://example.com/€-price?q=цена#αβ', 'https://bücher.example/'];
    const deliveries = fakeDeliveryStore();
    deliveries.byId.set('sub-a', {
      status: 'sent',
      messageId: 'msg-a',
      sentAt: '2025-03-26T07:30:00Z',
      country: 'GR',
      language: 'el',
      region: 'Thessaly',
    });
    const deps: TrackingDeps = {
      tokens: createTokens(Buffer.from('a-test-key-of-at-least-32-characters')),
      deliveries,
      counters: fakeSendCounters(),
      sketches: fakePeopleSketches(),
      clock: { now: () => new Date('2025-03-26T09:00:00Z') },
      publicUrl: 'https://news.example',
      machineWindowSeconds: 10,
      edition: async (_issueId, language) => ({ language, subject: 's', html: '', text: '', links }),
    };
    const token = trackingData(deps, 'issue-1', 'sub-a').trackingToken!;
    const click = createRouter([
      { spec: { method: 'GET', path: '/t/click/{token}', access: 'public' }, run: trackingRoutes(deps).trackClick },
    ]);
    const location = async (n: number) =>
      (await click(event('GET', `/t/click/${token}.${n}`))).headers?.location as string;
    expect(await location(0)).toBe('https://example.com/%E2%82%AC-price?q=%D1%86%D0%B5%D0%BD%D0%B0#%CE%B1%CE%B2');
    expect(await location(1)).toBe('https://xn--bcher-kva.example/');
    for (const n of [0, 1]) expect(await location(n)).toMatch(/^[\x21-\x7e]+$/);
  });
});

describe('forms', () => {
  it('keeps a field named __proto__ a field, so the schema refuses it by name', () => {
    const form = parseForm(
      event('POST', '/api/subscribe', {
        body: '__proto__=a&__proto__=b&email=x%40example.org',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
    );
    expect(Object.keys(form)).toEqual(['__proto__', 'email']);
    expect(form.__proto__).toEqual(['a', 'b']);
    expect(Object.getPrototypeOf(form)).toBeNull();
  });
});
