// HTTP plumbing shared by the API handler: routing by method and path template, bodies, roles, error mapping.
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
} from 'aws-lambda';
import { isIP } from 'node:net';
import type * as z from 'zod';
import { CallerError, ForbiddenError, UnauthorizedError, ValidationError } from '../domain/errors.ts';
import { validate } from '../domain/validation.ts';
import { logger } from '../wiring/logger.ts';
import { checkPathParams } from './path-params.ts';
import { HTML_SECURITY_HEADERS, NO_STORE, PAGE_CSP, VIEWER_IP_HEADER } from '../../contracts/headers.ts';
import type { Access, RouteSpec } from '../../contracts/routes.ts';

export type Response = APIGatewayProxyStructuredResultV2;
/** The event as API Gateway passes it; `authorizer` is present once the JWT authorizer (or the local one) accepted a token. */
export type HttpEvent = APIGatewayProxyEventV2 &
  Partial<Pick<APIGatewayProxyEventV2WithJWTAuthorizer['requestContext'], 'authorizer'>> & {
    requestContext: APIGatewayProxyEventV2['requestContext'] &
      Partial<Pick<APIGatewayProxyEventV2WithJWTAuthorizer['requestContext'], 'authorizer'>>;
  };

export type Group = 'editor' | 'coordinator' | 'admin';
export interface Principal {
  sub: string;
  email?: string;
  groups: Group[];
  /** A coordinator's region. */
  region?: string;
}

export interface Request {
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  event: HttpEvent;
  principal: Principal | undefined;
}

export interface Route {
  spec: RouteSpec;
  run(request: Request): Promise<Response>;
  /**
   * A page route's own answer to a caller's error (its parameters' check included), e.g. a localized HTML page;
   * undefined leaves the JSON error. Its answer is never cacheable either.
   */
  failed?(error: CallerError, request: Omit<Request, 'principal'>): Response | undefined;
}

/** Public forms and commands are small; a record translated into 11 languages is not (DynamoDB takes 400 KB). */
export const MAX_BODY_BYTES = 10 * 1024;
export const MAX_RECORD_BODY_BYTES = 300 * 1024;

export const json = (statusCode: number, body?: unknown): Response =>
  body === undefined
    ? { statusCode }
    : { statusCode, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) };

export const html = (statusCode: number, body: string): Response => ({
  statusCode,
  headers: { 'content-type': 'text/html; charset=utf-8' },
  body,
});

export const text = (statusCode: number, body: string): Response => ({
  statusCode,
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  body,
});

const errorBody = (code: string, message: string, details: object = {}) => ({
  error: { code, message, ...details },
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
    try {
      return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? '')]));
    } catch {
      return undefined; // a malformed %-escape matches no route
    }
  };
}

/** The request body as text, refused when over `maxBytes`. */
export function bodyText(event: HttpEvent, maxBytes: number): string {
  const raw = !event.body
    ? ''
    : event.isBase64Encoded
      ? Buffer.from(event.body, 'base64').toString('utf8')
      : event.body;
  if (Buffer.byteLength(raw) > maxBytes) throw new ValidationError('body', `is over ${maxBytes} bytes`);
  return raw;
}

/** Parses a JSON body with a schema; an absent body counts as `{}`. Errors name the field at fault. */
export function parseBody<S extends z.ZodType>(event: HttpEvent, schema: S, maxBytes = MAX_BODY_BYTES): z.infer<S> {
  const raw = bodyText(event, maxBytes);
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
  return validate(schema, value);
}

/** Parses an HTML form post (application/x-www-form-urlencoded); repeated names become arrays. */
export function parseForm(event: HttpEvent, maxBytes = MAX_BODY_BYTES): Record<string, string | string[]> {
  const raw = bodyText(event, maxBytes);
  // No prototype: a field named `__proto__` stays a field (and is refused by name), never the object's prototype.
  const form = Object.create(null) as Record<string, string | string[]>;
  for (const [name, value] of new URLSearchParams(raw)) {
    const previous = form[name];
    form[name] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  return form;
}

export const isForm = (event: HttpEvent) =>
  /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(event.headers['content-type'] ?? '');

/** `cognito:groups` arrives as an array from the local authorizer and as "[a b]" from API Gateway's JWT authorizer. */
function parseGroups(value: unknown): Group[] {
  const names = Array.isArray(value)
    ? value.map(String)
    : typeof value === 'string'
      ? value.replace(/^\[|\]$/g, '').split(/[\s,]+/)
      : [];
  return names.filter((g): g is Group => g === 'editor' || g === 'coordinator' || g === 'admin');
}

export function principalOf(event: HttpEvent): Principal | undefined {
  const claims = event.requestContext.authorizer?.jwt?.claims;
  if (!claims?.sub) return undefined;
  const email = claims.email;
  const region = claims['custom:region'];
  return {
    sub: String(claims.sub),
    groups: parseGroups(claims['cognito:groups']),
    ...(typeof email === 'string' && { email }),
    ...(typeof region === 'string' && { region }),
  };
}

/** The reader's address as the edge saw it, else the connection's. X-Forwarded-For is never read: any client writes it. */
export function viewerIp(event: HttpEvent): string {
  const ip = event.headers[VIEWER_IP_HEADER] ?? '';
  return isIP(ip) ? ip : event.requestContext.http.sourceIp;
}

/**
 * What every answer carries unless its route set it: `no-store` (only a route marked cacheable may be kept),
 * `nosniff`, and on HTML the page policy and frame and referrer rules.
 */
function withEdgeHeaders(response: Response, spec: RouteSpec | undefined): Response {
  const html = /^text\/html\b/i.test(String(response.headers?.['content-type'] ?? ''));
  const defaults = {
    'x-content-type-options': 'nosniff',
    ...(spec?.cache !== 'public' && { 'cache-control': NO_STORE }),
    ...(html && { 'content-security-policy': PAGE_CSP, ...HTML_SECURITY_HEADERS }),
  };
  return { ...response, headers: { ...defaults, ...response.headers } };
}

const ALLOWED: Record<Exclude<Access, 'public'>, Group[]> = {
  editor: ['editor', 'admin'],
  // Editors follow the issues they send; a coordinator's figures are limited to their region by the route.
  coordinator: ['coordinator', 'editor', 'admin'],
  // Subscribers' personal data (lists, imports, exports, erasures) is the admins' alone.
  admin: ['admin'],
};

function authorize(access: Access, principal: Principal | undefined) {
  if (access === 'public') return;
  if (!principal) throw new UnauthorizedError();
  if (!principal.groups.some((g) => ALLOWED[access].includes(g))) {
    throw new ForbiddenError(`this needs the ${ALLOWED[access].join(' or ')} role`);
  }
}

/** A failure's log line names the route's template, never the path: paths carry subscribers' link tokens. */
function errorResponse(error: unknown, method: string, route: string | undefined): Response {
  if (error instanceof CallerError) return json(error.status, errorBody(error.code, error.message, error.details));
  logger.error('request failed', { method, route, error });
  return json(500, errorBody('internal', 'something went wrong on our side'));
}

/** A page route's own answer to a caller's error; if that page fails, the JSON error stands. */
function errorPage(error: unknown, route: Route | undefined, request: Omit<Request, 'principal'> | undefined) {
  if (!(error instanceof CallerError) || !route?.failed || !request) return undefined;
  try {
    return route.failed(error, request);
  } catch (failure) {
    logger.error('an error page failed', { route: route.spec.path, error: failure });
    return undefined;
  }
}

/** How many parameters a path template has: of two routes that match, API Gateway takes the one with fewer. */
const parameterCount = (path: string) => path.match(/\{\w+\}/g)?.length ?? 0;

export function createRouter(routes: Route[]) {
  const compiled = routes
    .map((route) => ({ route, match: compile(route.spec.path) }))
    .sort((a, b) => parameterCount(a.route.spec.path) - parameterCount(b.route.spec.path));
  return async (event: HttpEvent): Promise<Response> => {
    const method = event.requestContext.http.method.toUpperCase();
    const path = event.rawPath;
    /** Set once a route answered: its errors are never cacheable. */
    let answered: RouteSpec | undefined;
    let matched: Route | undefined;
    let request: Omit<Request, 'principal'> | undefined;
    let response: Response;
    try {
      const candidates = compiled.flatMap(({ route, match }) => {
        const params = match(path);
        return params ? [{ route, params }] : [];
      });
      const found = candidates.find((c) => c.route.spec.method === method);
      if (candidates.length === 0) response = json(404, errorBody('not_found', `no route for ${path}`));
      else if (!found) response = json(405, errorBody('method_not_allowed', `${method} is not allowed on ${path}`));
      else {
        matched = found.route;
        request = { params: found.params, query: event.queryStringParameters ?? {}, event };
        const principal = principalOf(event);
        authorize(found.route.spec.access, principal);
        checkPathParams(found.params);
        response = await found.route.run({ ...request, principal });
        answered = found.route.spec;
      }
    } catch (error) {
      response = errorPage(error, matched, request) ?? errorResponse(error, method, matched?.spec.path);
    }
    return withEdgeHeaders(response, answered);
  };
}
