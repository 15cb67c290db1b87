// Requests to the HTTP API come through CloudFront, which adds a header holding a secret; the API functions refuse a
// request without it, so the API's own domain reached directly answers 403 and what the edge adds can be trusted.
import { timingSafeEqual } from 'node:crypto';
import { EDGE_HEADER } from '../../contracts/headers.ts';
import type { HttpEvent, Response } from './http.ts';

const forbidden: Response = {
  statusCode: 403,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify({
    error: { code: 'forbidden', message: 'use the site address, not the API domain', field: EDGE_HEADER },
  }),
};

/** `handle` behind the check, or `handle` itself when no secret is configured (the embedded stack). */
export function throughEdgeOnly<R>(
  handle: (event: HttpEvent) => Promise<R>,
  secret: string | undefined,
): (event: HttpEvent) => Promise<R | Response> {
  if (secret === undefined) return handle;
  const expected = Buffer.from(secret);
  return async (event) => {
    const given = Buffer.from(event.headers[EDGE_HEADER] ?? '');
    const fromEdge = given.length === expected.length && timingSafeEqual(given, expected);
    return fromEdge ? handle(event) : forbidden;
  };
}
