// Runs one emulator (dynalite or aws-ses-v2-local) on a worker thread of the embedded stack's process, so the
// emulator gets a core of its own instead of sharing the event loop with the handlers. Plain JavaScript: a worker
// must load without the TypeScript loader (vitest runs the stack without one).
import { createRequire } from 'node:module';
import process from 'node:process';
import { parentPort, workerData } from 'node:worker_threads';

const require = createRequire(import.meta.url);
const { kind, host, port, options } = workerData;
const IDLE_CONNECTION_MS = 120_000;

const server =
  kind === 'dynamodb'
    ? require('dynalite')(options)
    : // A CommonJS module whose `exports.default` is the server factory; it listens by itself.
      await require('aws-ses-v2-local').default({ host, port });

if (kind === 'dynamodb') {
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
}

// A web page the developer visits must not reach the emulators (dynalite answers any origin with CORS `*` and
// takes any signature). The SDK sends no Origin and no Sec-Fetch-Site, so it passes; so does the SES inbox page
// opened directly (same origin). Refused: another origin, a cross-site or same-site fetch, a CORS preflight, and
// a Host that is not this machine's loopback name (DNS rebinding: evil.example resolving to 127.0.0.1).
const LOOPBACK_HOST = /^(127\.0\.0\.1|localhost)(:\d{1,5})?$/i;

function refusal(req) {
  const host = req.headers.host ?? '';
  if (!LOOPBACK_HOST.test(host)) return 'the Host header is not 127.0.0.1 or localhost';
  const origin = req.headers.origin;
  if (origin !== undefined && origin.toLowerCase() !== `http://${host.toLowerCase()}`) return 'another origin';
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return 'a request from another site';
  if (req.method === 'OPTIONS') return 'a CORS preflight';
  return undefined;
}

const emulator = server.listeners('request');
server.removeAllListeners('request');
server.on('request', (req, res) => {
  const reason = refusal(req);
  if (!reason) {
    for (const listener of emulator) listener.call(server, req, res);
    return;
  }
  res.writeHead(403, { 'content-type': 'application/json', connection: 'close' });
  res.end(JSON.stringify({ message: `refused: ${reason} (this emulator serves the local stack only)` }));
});

// The SDK reuses idle keep-alive connections; a server closing one (Node's default after 5 s) just as a request
// goes out resets it, and a bulk send reset that way has an unknown outcome. Idle connections stay open longer.
server.keepAliveTimeout = IDLE_CONNECTION_MS;
server.headersTimeout = IDLE_CONNECTION_MS + 1000;

parentPort.postMessage({ port: server.address().port });
parentPort.once('message', () => server.close(() => process.exit(0)));
