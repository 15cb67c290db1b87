// HTTP plumbing shared by the API handler: routing by method and path template, bodies, auth, and error mapping.
import { timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { z } from 'zod';
import { HeraldError, UnauthorizedError, ValidationError } from '../domain/errors.ts';
import { logger } from '../wiring/logger.ts';

export type Response = APIGatewayProxyStructuredResultV2;
export type Access = 'public' | 'editor';

export interface Request {
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  event: APIGatewayProxyEventV2;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** e.g. `/api/issues/{id}/send` */
  path: string;
  access: Access;
  run(request: Request): Promise<Response>;
}

export const MAX_BODY_BYTES = 10 * 1024;

export const json = (statusCode: number, body: unknown): Response => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify(body),
});

export const html = (statusCode: number, body: string): Response => ({
  statusCode,
  headers: { 'content-type': 'text/html; charset=utf-8' },
  body,
});

const errorBody = (code: string, message: string, details?: unknown) => ({
  error: { code, message, ...(details && typeof details === 'object' ? details : {}) },
});

function compile(path: string) {
  const names: string[] = [];
  const pattern = path.replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  const regex = new RegExp(`^${pattern}/?$`);
  return (actual: string): Record<string, string> | undefined => {
    const match = regex.exec(actual);
    if (!match) return undefined;
    return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? '')]));
  };
}

/** Parses a JSON body with a schema; an absent body counts as `{}`. Errors name the field at fault. */
export function parseBody<S extends z.ZodType>(event: APIGatewayProxyEventV2, schema: S): z.infer<S> {
  const raw = event.body
    ? event.isBase64Encoded
      ? Buffer.from(event.body, 'base64').toString('utf8')
      : event.body
    : '';
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES) throw new ValidationError('body', `is over ${MAX_BODY_BYTES} bytes`);
  let value: unknown = {};
  if (raw.trim() !== '') {
    const type = event.headers['content-type'] ?? '';
    if (!/^application\/json\b/i.test(type)) throw new ValidationError('content-type', 'must be application/json');
    try {
      value = JSON.parse(raw);
    } catch {
      throw new ValidationError('body', 'is not valid JSON');
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.code === 'unrecognized_keys' ? issue.keys.join(', ') : (issue?.path.join('.') ?? '') || 'body';
    throw new ValidationError(field, issue?.message ?? 'is invalid');
  }
  return parsed.data;
}

function bearer(event: APIGatewayProxyEventV2): string | undefined {
  const header = event.headers.authorization ?? event.headers.Authorization;
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

function sameSecret(a: string, b: string) {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function createRouter(routes: Route[], options: { adminToken: string | undefined }) {
  const compiled = routes.map((route) => ({ route, match: compile(route.path) }));
  return async (event: APIGatewayProxyEventV2): Promise<Response> => {
    const method = event.requestContext.http.method.toUpperCase();
    const path = event.rawPath;
    try {
      const candidates = compiled.flatMap(({ route, match }) => {
        const params = match(path);
        return params ? [{ route, params }] : [];
      });
      if (candidates.length === 0) return json(404, errorBody('not_found', `no route for ${path}`));
      const found = candidates.find((c) => c.route.method === method);
      if (!found) {
        return json(405, errorBody('method_not_allowed', `${method} is not allowed on ${path}`));
      }
      if (found.route.access === 'editor') {
        const token = bearer(event);
        if (!token || !options.adminToken || !sameSecret(token, options.adminToken)) throw new UnauthorizedError();
      }
      return await found.route.run({ params: found.params, query: event.queryStringParameters ?? {}, event });
    } catch (error) {
      if (error instanceof HeraldError) return json(error.status, errorBody(error.code, error.message, error.details));
      logger.error('request failed', { method, path, error });
      return json(500, errorBody('internal', 'something went wrong on our side'));
    }
  };
}
