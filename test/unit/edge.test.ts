// Unit tests of the edge check: the API functions answer only requests that came through CloudFront.
import { describe, expect, it } from 'vitest';
import { EDGE_HEADER } from '../../contracts/headers.ts';
import { throughEdgeOnly } from '../../functions/handlers/edge.ts';
import type { HttpEvent } from '../../functions/handlers/http.ts';
import baseEvent from '../fixtures/apigw-http-v2-event.json' with { type: 'json' };

const SECRET = 'a-secret-only-cloudfront-and-the-functions-know';
const request = (headers: Record<string, string> = {}) => ({ ...baseEvent, headers }) as HttpEvent;
const answer = async () => ({ statusCode: 200, body: 'unsubscribed' });

describe('requests that skip CloudFront', () => {
  it('refuses a request without the edge header with 403, naming the header', async () => {
    const handle = throughEdgeOnly(answer, SECRET);
    const response = await handle(request());
    expect(response.statusCode).toBe(403);
    expect(JSON.parse(String((response as { body: string }).body))).toMatchObject({
      error: { code: 'forbidden', field: EDGE_HEADER },
    });
  });

  it.each([
    ['a wrong value', 'guessed'],
    ['the value with one more character', `${SECRET}x`],
    ['an empty value', ''],
  ])('refuses a request whose edge header holds %s', async (_what, value) => {
    expect((await throughEdgeOnly(answer, SECRET)(request({ [EDGE_HEADER]: value }))).statusCode).toBe(403);
  });

  it('answers a request that carries the secret CloudFront adds', async () => {
    expect(await throughEdgeOnly(answer, SECRET)(request({ [EDGE_HEADER]: SECRET }))).toEqual({
      statusCode: 200,
      body: 'unsubscribed',
    });
  });

  it('answers every request when no secret is configured (the embedded stack has no CloudFront)', async () => {
    expect((await throughEdgeOnly(answer, undefined)(request())).statusCode).toBe(200);
  });
});
