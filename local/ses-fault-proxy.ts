// A small HTTP proxy in front of the SES emulator that counts SendBulkEmail calls and injects the faults real SES
// shows: throttling (429 TooManyRequestsException), a refusal of the whole call (an account suspended), entries
// failing inside a bulk call, and an answer lost after SES took the batch. With a quota it throttles like SES does past MaxSendRate. The real SDK client talks to it.
import { createServer, request, type IncomingMessage, type Server } from 'node:http';

const BULK_PATH = '/v2/email/outbound-bulk-emails';
const ACCOUNT_PATH = '/v2/email/account';

/** What happens to one SendBulkEmail call (numbered from 1). */
export type Fault =
  | { kind: 'forward' }
  /** SES answers 429 and sends nothing. */
  | { kind: 'throttle' }
  /** SES refuses the call with this error (e.g. 400 AccountSuspendedException) and sends nothing. */
  | { kind: 'refuse'; error: string; status?: number }
  /** SES sends the batch, but the connection breaks before the answer arrives. */
  | { kind: 'lose-answer' }
  /** SES sends all but these entries, which come back with this status (e.g. TRANSIENT_FAILURE). */
  | { kind: 'fail-entries'; indexes: number[]; status: string };

export interface FaultProxyOptions {
  target: string;
  /** Decides each SendBulkEmail call's fate; forwarded when absent. */
  fault?: (call: number, entries: number) => Fault;
  /** Emails per second SES accepts (a token bucket holding one second's worth); unlimited when absent. */
  quotaPerSecond?: number;
}

export interface FaultProxy {
  url: string;
  /** SendBulkEmail calls received, those throttled, those refused, and the entries SES was given. */
  stats: { calls: number; throttled: number; refused: number; entries: number };
  /** Changes the quota while running (0 or undefined: unlimited). */
  setQuota(perSecond: number | undefined): void;
  setFault(fault: FaultProxyOptions['fault']): void;
  close(): Promise<void>;
}

/** A request's or response's whole body. */
export const readBody = (req: IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

function forward(target: URL, req: IncomingMessage, body: Buffer) {
  return new Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }>((resolve, reject) => {
    const headers = { ...req.headers, host: target.host, 'content-length': String(body.length) };
    const out = request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers },
      (res) => {
        void readBody(res).then(
          (b) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: b }),
          reject,
        );
      },
    );
    out.on('error', reject);
    out.end(body);
  });
}

export async function startSesFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const stats = { calls: 0, throttled: 0, refused: 0, entries: 0 };
  let fault = options.fault;
  let quota = options.quotaPerSecond;
  let tokens = quota ?? 0;
  let refilledAt = Date.now();
  /** Takes `n` emails from the bucket; false (nothing taken) when they do not fit. */
  const withinQuota = (n: number) => {
    if (!quota) return true;
    const now = Date.now();
    tokens = Math.min(quota, tokens + ((now - refilledAt) / 1000) * quota);
    refilledAt = now;
    if (tokens < n) return false;
    tokens -= n;
    return true;
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      if (req.method === 'GET' && req.url === ACCOUNT_PATH && quota) {
        // GetAccount reports the emulated quota, as SES reports the account's own.
        const answer = await forward(target, req, body);
        const account = JSON.parse(answer.body.toString()) as { SendQuota?: { MaxSendRate?: number } };
        account.SendQuota = { ...account.SendQuota, MaxSendRate: quota };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(account));
        return;
      }
      if (req.method !== 'POST' || req.url !== BULK_PATH) {
        const answer = await forward(target, req, body);
        res.writeHead(answer.status, answer.headers).end(answer.body);
        return;
      }
      stats.calls += 1;
      const request = JSON.parse(body.toString()) as { BulkEmailEntries: unknown[] };
      const entries = request.BulkEmailEntries.length;
      const decided = fault?.(stats.calls, entries) ?? { kind: 'forward' };
      if (decided.kind === 'throttle' || !withinQuota(entries)) {
        stats.throttled += 1;
        res
          .writeHead(429, { 'content-type': 'application/json', 'x-amzn-errortype': 'TooManyRequestsException' })
          .end(JSON.stringify({ message: 'Maximum sending rate exceeded.' }));
        return;
      }
      if (decided.kind === 'refuse') {
        stats.refused += 1;
        res
          .writeHead(decided.status ?? 400, { 'content-type': 'application/json', 'x-amzn-errortype': decided.error })
          .end(JSON.stringify({ message: 'injected by the fault proxy' }));
        return;
      }
      const failing = new Set(decided.kind === 'fail-entries' ? decided.indexes : []);
      const kept = request.BulkEmailEntries.filter((_, i) => !failing.has(i));
      stats.entries += kept.length;
      const answer = await forward(target, req, Buffer.from(JSON.stringify({ ...request, BulkEmailEntries: kept })));
      if (decided.kind === 'lose-answer') {
        res.socket?.destroy();
        return;
      }
      if (decided.kind === 'fail-entries' && answer.status === 200) {
        const sent = (JSON.parse(answer.body.toString()) as { BulkEmailEntryResults: unknown[] }).BulkEmailEntryResults;
        const results = request.BulkEmailEntries.map((_, i) =>
          failing.has(i) ? { Status: decided.status, Error: 'injected by the fault proxy' } : sent.shift(),
        );
        const json = JSON.stringify({ BulkEmailEntryResults: results });
        res.writeHead(200, { 'content-type': 'application/json' }).end(json);
        return;
      }
      res.writeHead(answer.status, answer.headers).end(answer.body);
    })().catch((error: unknown) => {
      res.writeHead(502, { 'content-type': 'text/plain' }).end(String(error));
    });
  });
  // Idle keep-alive connections stay open past the SDK's reuse of them: a reset there is not a fault under test.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 121_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    setQuota(perSecond) {
      quota = perSecond || undefined;
      tokens = quota ?? 0;
      refilledAt = Date.now();
    },
    setFault(next) {
      fault = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
