import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { createRouter, json, parseBody, type HttpEvent, type Route } from '../../functions/handlers/http.ts';
import { NotFoundError } from '../../functions/domain/errors.ts';
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

  it('maps domain errors to their status and hides unexpected ones behind a 500', async () => {
    expect((await route(event('GET', '/archive/x/en'))).statusCode).toBe(404);
    const response = await route(event('GET', '/boom'));
    expect(response.statusCode).toBe(500);
    expect(JSON.stringify(await body(response))).not.toContain('database exploded');
  });
});
