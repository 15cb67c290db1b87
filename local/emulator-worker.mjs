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

// The SDK reuses idle keep-alive connections; a server closing one (Node's default after 5 s) just as a request
// goes out resets it, and a bulk send reset that way has an unknown outcome. Idle connections stay open longer.
server.keepAliveTimeout = IDLE_CONNECTION_MS;
server.headersTimeout = IDLE_CONNECTION_MS + 1000;

parentPort.postMessage({ port: server.address().port });
parentPort.once('message', () => server.close(() => process.exit(0)));
