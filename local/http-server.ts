// One HTTP server for the embedded stack: each request becomes the API Gateway HTTP API (v2) event
// that the API Lambda receives in AWS, and the handler's result becomes the response.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** API Gateway refuses payloads over 10 MB; nothing Herald accepts comes close. */
const MAX_PAYLOAD_BYTES = 1024 * 1024;

export type ApiHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

async function readBody(req: IncomingMessage): Promise<Buffer | 'too large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_PAYLOAD_BYTES) return 'too large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const isText = (type: string | undefined) => !type || /^(text\/|application\/(json|x-www-form-urlencoded))/i.test(type);

export function toApiGatewayEvent(req: IncomingMessage, body: Buffer): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
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
const API_PATHS = /^\/(api|archive|unsubscribe|preferences|t|subscribe)(\/|$)/;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

async function serveStatic(
  root: string,
  pathname: string,
  res: ServerResponse,
  extraFiles: Readonly<Record<string, string>> = {},
): Promise<boolean> {
  if (pathname === '/') {
    res.writeHead(302, { location: '/editor/' }).end();
    return true;
  }
  let file = extraFiles[pathname.slice(1)] ?? resolve(root, `.${decodeURIComponent(pathname)}`);
  if (!extraFiles[pathname.slice(1)] && file !== root && !file.startsWith(root + sep)) return false;
  try {
    if ((await stat(file)).isDirectory()) {
      if (!pathname.endsWith('/')) {
        res.writeHead(301, { location: `${pathname}/` }).end();
        return true;
      }
      file = join(file, 'index.html');
    }
    const content = await readFile(file);
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-cache',
    });
    res.end(content);
    return true;
  } catch {
    return false;
  }
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
}

export async function startHttpServer(handler: ApiHandler, options: HttpServerOptions): Promise<Server> {
  const server = createServer(async (req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (options.staticDir && (req.method === 'GET' || req.method === 'HEAD') && !API_PATHS.test(pathname)) {
      if (await serveStatic(options.staticDir, pathname, res, options.extraFiles)) return;
    }
    const body = await readBody(req);
    if (body === 'too large') {
      res
        .writeHead(413, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { code: 'payload_too_large', message: 'body: request body is too large' } }));
      return;
    }
    const event = toApiGatewayEvent(req, body);
    const token = /^Bearer\s+(\S+)$/i.exec(event.headers.authorization ?? '')?.[1];
    const claims = token && options.authorize ? await options.authorize(token) : undefined;
    if (claims) Object.assign(event.requestContext, { authorizer: { jwt: { claims, scopes: [] } } });
    const result = await handler(event);
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
    if (result.cookies?.length) headers['set-cookie'] = result.cookies;
    res.writeHead(result.statusCode ?? 200, headers);
    res.end(result.isBase64Encoded && result.body ? Buffer.from(result.body, 'base64') : (result.body ?? ''));
  });
  await new Promise<void>((ready) => server.listen(options.port, options.host ?? '127.0.0.1', ready));
  return server;
}

export const portOf = (server: Server) => (server.address() as AddressInfo).port;
