import { describe, expect, it } from 'vitest';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { z } from 'zod';
import { createRouter, json, parseBody, type Route } from '../../functions/handlers/http.ts';
import { NotFoundError } from '../../functions/domain/errors.ts';
import baseEvent from '../fixtures/apigw-http-v2-event.json' with { type: 'json' };

const TOKEN = 'editor-token-0123456789';

function event(
  method: string,
  path: string,
  init: { body?: string; headers?: Record<string, string> } = {},
): APIGatewayProxyEventV2 {
  return {
    ...baseEvent,
    rawPath: path,
    headers: { ...baseEvent.headers, ...init.headers },
    requestContext: { ...baseEvent.requestContext, http: { ...baseEvent.requestContext.http, method, path } },
    ...(init.body !== undefined && { body: init.body }),
  };
}

const schema = z.strictObject({ at: z.iso.datetime().optional() });
const routes: Route[] = [
  {
    method: 'GET',
    path: '/api/issues/{id}',
    access: 'editor',
    run: async ({ params }) => json(200, { id: params.id }),
  },
  {
    method: 'POST',
    path: '/api/issues/{id}/send',
    access: 'editor',
    run: async ({ event }) => json(202, parseBody(event, schema)),
  },
  {
    method: 'GET',
    path: '/archive/{id}/{lang}',
    access: 'public',
    run: async () => {
      throw new NotFoundError('edition');
    },
  },
  {
    method: 'GET',
    path: '/boom',
    access: 'public',
    run: async () => {
      throw new Error('database exploded');
    },
  },
];
const route = createRouter(routes, { adminToken: TOKEN });
const auth = { authorization: `Bearer ${TOKEN}` };
const body = async (response: Awaited<ReturnType<typeof route>>) => JSON.parse(String(response.body));

describe('HTTP router', () => {
  it('answers 401 without a bearer token and with a wrong one', async () => {
    expect((await route(event('GET', '/api/issues/a'))).statusCode).toBe(401);
    const wrong = await route(event('GET', '/api/issues/a', { headers: { authorization: 'Bearer nope' } }));
    expect(wrong.statusCode).toBe(401);
    expect((await body(wrong)).error.code).toBe('unauthorized');
  });

  it('passes path parameters to the route with a valid token', async () => {
    const response = await route(event('GET', '/api/issues/secon-5', { headers: auth }));
    expect([response.statusCode, await body(response)]).toEqual([200, { id: 'secon-5' }]);
  });

  it('answers 404 for an unknown path and 405 for a wrong method', async () => {
    expect((await route(event('GET', '/nowhere'))).statusCode).toBe(404);
    expect((await route(event('DELETE', '/api/issues/a', { headers: auth }))).statusCode).toBe(405);
  });

  it('names the field for broken JSON, a wrong content type, unknown fields and an oversized body', async () => {
    const send = (b: string, type = 'application/json') =>
      route(event('POST', '/api/issues/a/send', { body: b, headers: { ...auth, 'content-type': type } }));
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
