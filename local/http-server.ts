// One HTTP server for the embedded stack: each request becomes the API Gateway HTTP API (v2) event
// that the API Lambda receives in AWS, and the handler's result becomes the response.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { HTML_SECURITY_HEADERS, webAppCsp } from '../contracts/headers.ts';
import { logger } from '../functions/wiring/logger.ts';
import { VIEWER_IP_HEADER } from '../contracts/headers.ts';
import { IMPORT_MAX_BYTES, MAX_CSV_BODY_BYTES } from '../contracts/limits.ts';
import { ROUTES } from '../contracts/routes.ts';

/** API Gateway refuses payloads over 10 MB, Lambda over 6 MB; only CSV uploads come close. */
const MAX_PAYLOAD_BYTES = 1024 * 1024;
const maxPayloadBytes = (path: string) =>
  path === ROUTES.importSubscribers.path
    ? IMPORT_MAX_BYTES
    : path === ROUTES.importSuppressions.path
      ? MAX_CSV_BODY_BYTES
      : MAX_PAYLOAD_BYTES;

export type ApiHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/** A client that sends no more of its body for this long gets a 408 (API Gateway waits 30 s for a whole request). */
const BODY_TIMEOUT_MS = 30_000;

type Body = Buffer | 'too large' | 'timed out' | 'aborted';

/** The request body, unless it is too large, is not all in by `timeoutMs`, or the client goes away before its end. */
function readBody(req: IncomingMessage, timeoutMs: number, maxBytes: number): Promise<Body> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (body: Body) => {
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('close', onClose);
      resolve(body);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) settle('too large');
      else chunks.push(chunk);
    };
    const onEnd = () => settle(Buffer.concat(chunks));
    const onClose = () => settle('aborted');
    const timer = setTimeout(() => settle('timed out'), timeoutMs);
    req.on('data', onData).on('end', onEnd).on('close', onClose);
  });
}

const isText = (type: string | undefined) => !type || /^(text\/|application\/(json|x-www-form-urlencoded))/i.test(type);

export function toApiGatewayEvent(req: IncomingMessage, url: URL, body: Buffer): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    // This server plays CloudFront, which sets its CloudFront-* headers itself: a client's own are dropped.
    if (value === undefined || /^cloudfront-/i.test(name)) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  // And as CloudFront's viewer-request function does, it names the reader's address, whatever the client said.
  headers[VIEWER_IP_HEADER] = req.socket.remoteAddress ?? '127.0.0.1';
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = query[name] ? `${query[name]},${value}` : value;
  const text = isText(headers['content-type']);
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(url.search && { queryStringParameters: query }),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 && { body: text ? body.toString('utf8') : body.toString('base64') }),
    isBase64Encoded: body.length > 0 && !text,
  };
}

/** Paths the API handles; everything else is the static web app (as CloudFront routes them in AWS). */
const API_PATHS = /^\/(api|archive|unsubscribe|preferences|t|subscribe|privacy|accessibility)(\/|$)/;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
};

/** Answered by the static web app, not there (the API answers), or a path that does not decode. */
type Served = 'served' | 'not found' | 'malformed';

async function serveStatic(
  root: string,
  pathname: string,
  res: ServerResponse,
  headers: Readonly<Record<string, string>>,
  extraFiles: Readonly<Record<string, string>> = {},
): Promise<Served> {
  if (pathname === '/') {
    res.writeHead(302, { location: '/editor/' }).end();
    return 'served';
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return 'malformed';
  }
  let file = extraFiles[pathname.slice(1)] ?? resolve(root, `.${decoded}`);
  if (!extraFiles[pathname.slice(1)] && file !== root && !file.startsWith(root + sep)) return 'not found';
  try {
    if ((await stat(file)).isDirectory()) {
      if (!pathname.endsWith('/')) {
        res.writeHead(301, { location: `${pathname}/` }).end();
        return 'served';
      }
      file = join(file, 'index.html');
    }
    const content = await readFile(file);
    const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
    res.writeHead(200, {
      'content-type': type,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      ...(type.startsWith('text/html') && headers),
    });
    res.end(content);
    return 'served';
  } catch {
    return 'not found';
  }
}

const STATUS_CODES = {
  400: 'bad_request',
  404: 'not_found',
  408: 'request_timeout',
  413: 'payload_too_large',
  500: 'internal',
} as const;

/** An error in the API's shape, on a connection that closes after it (the rest of the body is not read). */
function sendError(res: ServerResponse, status: keyof typeof STATUS_CODES, message: string, field?: string) {
  const body = JSON.stringify({ error: { code: STATUS_CODES[status], message, ...(field && { field }) } });
  res
    .writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      connection: 'close',
    })
    .end(body);
}

/** Requests Node cannot parse (bad request line, headers too large or too slow) never reach the listener. */
function onClientError(error: NodeJS.ErrnoException, socket: Duplex) {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? '431 Request Header Fields Too Large'
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? '408 Request Timeout'
        : '400 Bad Request';
  const body = JSON.stringify({ error: { code: 'bad_request', message: 'request: not valid HTTP', field: 'request' } });
  socket.end(
    `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Connection: close\r\n\r\n${body}`,
  );
}

export interface HttpServerOptions {
  port: number;
  host?: string;
  /** Plays API Gateway's JWT authorizer: the claims of a valid bearer token, else undefined. */
  authorize?: (token: string) => Promise<Record<string, unknown> | undefined>;
  /** The static web app's folder. */
  staticDir?: string;
  /** Files served at their path besides the folder's (`vendor/chart.umd.min.js` -> a file in node_modules). */
  extraFiles?: Readonly<Record<string, string>>;
  /** How long a client may take to send its body before a 408; 30 s by default. */
  bodyTimeoutMs?: number;
  /** A Cognito hosted UI the web apps may call (their policy's connect-src); the embedded stack has none. */
  authOrigin?: string;
  /** Folders served at a path prefix, as CloudFront serves a bucket: `{'/images/': '<data dir>/images'}`. */
  mounts?: Readonly<Record<string, string>>;
  /** Paths that take a larger body than the API's (an image upload's PUT), with their limit. */
  uploads?: { prefix: string; maxBytes: number };
}

/** A file of a mounted folder, kept by browsers for a year: its name changes whenever its content would. */
async function serveMounted(mounts: Readonly<Record<string, string>>, pathname: string, res: ServerResponse) {
  const prefix = Object.keys(mounts).find((p) => pathname.startsWith(p));
  if (!prefix) return false;
  const name = pathname.slice(prefix.length);
  const type = CONTENT_TYPES[extname(name).toLowerCase()];
  // One plain file name: no folder, no escape, nothing but the types the folder holds.
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) || !type) {
    sendError(res, 404, `no file ${prefix}${name.slice(0, 80)}`);
    return true;
  }
  try {
    const content = await readFile(join(mounts[prefix]!, name));
    res.writeHead(200, {
      'content-type': type,
      'cache-control': 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
    });
    res.end(content);
  } catch {
    sendError(res, 404, `no file ${prefix}${name}`);
  }
  return true;
}

export async function startHttpServer(handler: ApiHandler, options: HttpServerOptions): Promise<Server> {
  const webHeaders = { 'content-security-policy': webAppCsp(options.authOrigin), ...HTML_SECURITY_HEADERS };

  async function serve(req: IncomingMessage, res: ServerResponse) {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return sendError(res, 400, 'path: is not a valid request target', 'path');
    }
    if (options.mounts && (req.method === 'GET' || req.method === 'HEAD')) {
      if (await serveMounted(options.mounts, url.pathname, res)) return;
    }
    if (options.staticDir && (req.method === 'GET' || req.method === 'HEAD') && !API_PATHS.test(url.pathname)) {
      const served = await serveStatic(options.staticDir, url.pathname, res, webHeaders, options.extraFiles);
      if (served === 'malformed') return sendError(res, 400, 'path: has a malformed %-escape', 'path');
      if (served === 'served') return;
    }
    const upload = options.uploads && url.pathname.startsWith(options.uploads.prefix) ? options.uploads : undefined;
    const body = await readBody(
      req,
      options.bodyTimeoutMs ?? BODY_TIMEOUT_MS,
      upload?.maxBytes ?? maxPayloadBytes(url.pathname),
    );
    if (body === 'aborted') {
      // No path in the log: it may hold a subscriber's link token.
      logger.info('a client went away while sending its request', { method: req.method });
      return;
    }
    if (body === 'too large') return sendError(res, 413, 'body: request body is too large', 'body');
    if (body === 'timed out') return sendError(res, 408, 'body: the request body did not arrive in time', 'body');
    const event = toApiGatewayEvent(req, url, body);
    const token = /^Bearer\s+(\S+)$/i.exec(event.headers.authorization ?? '')?.[1];
    const claims = token && options.authorize ? await options.authorize(token) : undefined;
    if (claims) Object.assign(event.requestContext, { authorizer: { jwt: { claims, scopes: [] } } });
    const result = await handler(event);
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
    if (result.cookies?.length) headers['set-cookie'] = result.cookies;
    // Throws on a header value HTTP cannot carry (a non-Latin-1 Location): the guard below answers 500.
    res.writeHead(result.statusCode ?? 200, headers);
    res.end(result.isBase64Encoded && result.body ? Buffer.from(result.body, 'base64') : (result.body ?? ''));
  }

  // One guard around the whole request: nothing a client sends or a handler returns may stop the process.
  const server = createServer((req, res) => {
    res.on('error', (error) => logger.warn('a response could not be written', { error }));
    serve(req, res).catch((error: unknown) => {
      logger.error('request failed in the embedded HTTP server', { method: req.method, error });
      if (res.headersSent) {
        res.destroy();
        return;
      }
      for (const name of res.getHeaderNames()) res.removeHeader(name);
      sendError(res, 500, 'something went wrong on our side');
    });
  });
  server.on('clientError', onClientError);
  await new Promise<void>((ready) => server.listen(options.port, options.host ?? '127.0.0.1', ready));
  return server;
}

export const portOf = (server: Server) => (server.address() as AddressInfo).port;
