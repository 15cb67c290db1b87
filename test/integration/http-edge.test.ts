// The embedded stack's edge against hostile clients: raw sockets that send broken paths, drop or stall their
// bodies, or speak broken HTTP; a handler's invalid header; web pages reaching for the emulators; tokens without
// an expiry; the API during start-up and with a send that cannot be resumed. After each, the next request is served.
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { SignJWT } from 'jose';
import { keyIn } from '../../local/secrets.ts';
import { SAMPLE_ISSUE_ID } from '../support/profile.ts';
import { portOf, startHttpServer, type ApiHandler } from '../../local/http-server.ts';
import type { EmbeddedStack } from '../../local/stack.ts';
import { startTestStack, type TestStack } from '../support/embedded-stack.ts';

const ADMIN = 'http-edge-admin-token-0123456789';
const BODY_TIMEOUT_MS = 300;
let test: TestStack;
let stack: EmbeddedStack;
/** What GET /api/issues answered while the stack was loading its sample content. */
const duringStartUp: number[] = [];

beforeAll(async () => {
  test = await startTestStack('http-edge', {
    adminToken: ADMIN,
    bodyTimeoutMs: BODY_TIMEOUT_MS,
    whileStarting: async (api) => {
      duringStartUp.push((await fetch(`${api}/api/issues`, { headers: { authorization: `Bearer ${ADMIN}` } })).status);
    },
  });
  stack = test.stack;
});
afterAll(() => test?.dispose());

const port = () => Number(new URL(stack.urls.api).port);

/** Writes `data` on a fresh connection and resolves with everything the server answers until it closes. */
function rawRequest(target: number, data: string, options: { dropAfterWrite?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(target, '127.0.0.1', () => {
      socket.write(data);
      if (options.dropAfterWrite) socket.destroy();
    });
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

const statusOf = (answer: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
const errorOf = (answer: string) =>
  (JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { error: { code: string; field?: string } }).error;

/** The stack still answers: the sample issue, as an editor sees it. */
async function stillServes() {
  const response = await fetch(`${stack.urls.api}/api/issues/${SAMPLE_ISSUE_ID}`, {
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  expect(response.status).toBe(200);
}

describe('hostile clients against the embedded HTTP server', () => {
  it('answers 400 naming the path to a malformed %-escape in a static path, and serves the next request', async () => {
    const answer = await rawRequest(port(), 'GET /editor/%E0%A4%A HTTP/1.1\r\nHost: localhost\r\n\r\n');
    expect(statusOf(answer)).toBe(400);
    expect(errorOf(answer)).toMatchObject({ code: 'bad_request', field: 'path' });
    await stillServes();
  });

  it('survives a client that drops a half-sent body, and stores nothing from it', async () => {
    const before = (await stack.services.issues.list()).length;
    const body = JSON.stringify({ title: 'dropped' });
    const head =
      `POST /api/issues HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${ADMIN}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${body.length + 500}\r\n\r\n`;
    expect(await rawRequest(port(), head + body, { dropAfterWrite: true })).toBe('');
    await stillServes();
    expect((await stack.services.issues.list()).length).toBe(before);
  });

  it('answers 408 naming the body to a body that stalls past the time limit', async () => {
    const head = 'POST /api/subscribe HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n';
    const answer = await rawRequest(port(), `${head}Content-Length: 100\r\n\r\n{"email":`);
    expect(statusOf(answer)).toBe(408);
    expect(errorOf(answer)).toMatchObject({ code: 'request_timeout', field: 'body' });
    await stillServes();
  });

  it('answers 400 to a request that is not HTTP, and 431 to headers past the limit', async () => {
    expect(statusOf(await rawRequest(port(), 'GET / HTTP/1.1\r\nHost: localhost\r\nno colon here\r\n\r\n'))).toBe(400);
    const huge = `GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`;
    expect(statusOf(await rawRequest(port(), huge))).toBe(431);
    await stillServes();
  });

  it('keeps serving when a handler answers a header HTTP cannot carry: a 500 instead', async () => {
    const seen: Record<string, string | undefined>[] = [];
    const handler: ApiHandler = async (event) => {
      seen.push(event.headers);
      return event.rawPath === '/bad'
        ? { statusCode: 302, headers: { 'content-type': 'text/plain', location: 'https://example.com/€-price' } }
        : { statusCode: 200, body: 'ok' };
    };
    const server = await startHttpServer(handler, { port: 0 });
    try {
      const base = `http://127.0.0.1:${portOf(server)}`;
      const bad = await fetch(`${base}/bad`, { redirect: 'manual' });
      expect(bad.status).toBe(500);
      expect(bad.headers.get('location')).toBeNull();
      expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('internal');
      // This server plays CloudFront: a client's own CloudFront-* headers do not reach the handler, and the
      // reader's address is the connection's, whatever the client claims.
      const next = await fetch(`${base}/next`, {
        headers: { 'cloudfront-viewer-address': '198.51.100.1:443', 'true-client-ip': '198.51.100.1' },
      });
      expect([next.status, await next.text()]).toEqual([200, 'ok']);
      expect(seen.at(-1)).not.toHaveProperty('cloudfront-viewer-address');
      expect(seen.at(-1)?.['true-client-ip']).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('security headers of the embedded stack', () => {
  it('serves the web apps with a policy that allows scripts from the site only', async () => {
    const response = await fetch(`${stack.urls.api}/editor/`);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("connect-src 'self';");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('serves the API’s pages with the page policy, and keeps personal answers out of caches', async () => {
    const signup = await fetch(`${stack.urls.api}/subscribe?lang=en`);
    expect(signup.headers.get('content-security-policy')).toContain("default-src 'none'");
    const issues = await fetch(`${stack.urls.api}/api/issues`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(issues.headers.get('cache-control')).toBe('no-store');
    const preferences = await fetch(`${stack.urls.api}/api/preferences/not-a-token/export`);
    expect(preferences.status).toBeGreaterThanOrEqual(400);
    expect(preferences.headers.get('cache-control')).toBe('no-store');
  });
});

describe('the emulators and browsers', () => {
  /** A request to an emulator with the headers a browser (or a rebinding attack) would send. */
  const ask = (url: string, headers: Record<string, string>, method = 'POST') =>
    new Promise<number>((resolve, reject) => {
      const req = request(url, { method, headers }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });

  it('refuses a web page of another origin, a cross-site fetch, a preflight and a foreign Host', async () => {
    for (const emulator of [stack.urls.dynamodb, stack.urls.ses]) {
      expect(await ask(emulator, { origin: 'https://evil.example' })).toBe(403);
      expect(await ask(emulator, { 'sec-fetch-site': 'cross-site' })).toBe(403);
      expect(await ask(emulator, { 'sec-fetch-site': 'same-site' })).toBe(403);
      expect(await ask(emulator, { 'access-control-request-method': 'POST' }, 'OPTIONS')).toBe(403);
      expect(await ask(emulator, { host: `evil.example:${new URL(emulator).port}` }, 'GET')).toBe(403);
    }
  });

  it('still serves the SDK, and the SES inbox page opened in the browser', async () => {
    const tables = await stack.clients.dynamoDb.send(new ListTablesCommand({}));
    expect(tables.TableNames?.length).toBeGreaterThan(0);
    const ses = new URL(stack.urls.ses);
    expect(await ask(ses.href, { 'sec-fetch-site': 'none' }, 'GET')).toBe(200);
    expect(await ask(`${ses.origin}/store`, { 'sec-fetch-site': 'same-origin' }, 'GET')).toBe(200);
    expect(await ask(`${ses.origin}/clear-store`, { origin: ses.origin, 'sec-fetch-site': 'same-origin' })).toBe(200);
  });
});

describe('the local authorizer', () => {
  const tokenFor = (expires: boolean) => {
    const jwt = new SignJWT({ 'cognito:groups': ['editor'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('no-expiry')
      .setIssuer('herald-local')
      .setAudience('herald-web')
      .setIssuedAt();
    return (expires ? jwt.setExpirationTime('1h') : jwt).sign(Buffer.from(keyIn(test.dataDir, 'signing-key'), 'hex'));
  };

  it('refuses a signed token that never expires', async () => {
    const status = async (token: string) =>
      (await fetch(`${stack.urls.api}/api/issues`, { headers: { authorization: `Bearer ${token}` } })).status;
    expect(await status(await tokenFor(false))).toBe(401);
    expect(await status(await tokenFor(true))).toBe(200);
  });
});

describe('start-up', () => {
  it('answers 503 until the sample content is loaded and interrupted sends are resumed', async () => {
    expect(duringStartUp).toEqual([503]);
    const issues = await fetch(`${stack.urls.api}/api/issues`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(issues.status).toBe(200);
    expect(((await issues.json()) as { issues: unknown[] }).issues.length).toBeGreaterThan(0);
  });

  it('starts and serves when an interrupted send cannot be resumed, leaving that send as it was', async () => {
    const sample = (await stack.services.issues.get(SAMPLE_ISSUE_ID))!;
    // Sections that are no list make resuming this send throw, as an edition too large to store would.
    await stack.services.issues.put({ ...sample, id: 'unresumable', status: 'sending', sections: 'broken' as never });
    stack = await test.restart();
    expect(stack.resumed).not.toContain('unresumable');
    expect((await stack.services.issues.get('unresumable'))?.status).toBe('sending');
    await stillServes();
  });
});
