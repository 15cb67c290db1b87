// An emulator in a process of its own for the benchmarks, so Herald's peak RSS and CPU are Herald's: `ses`
// (aws-ses-v2-local, which keeps every email in memory; its store is emptied every second) or `dynamodb` (dynalite,
// its store in memory: in AWS, DynamoDB's work costs this machine nothing, so the emulator should cost it as
// little as may be). It answers 'rss' with its own peak RSS and 'cpu' with its CPU time. With `ses --count`, a small proxy in front of the emulator counts the emails SES accepted
// per address (the benchmark checks them without the store), and it answers 'tally' with those counts.
import { createServer, request, type IncomingMessage } from 'node:http';
import { cpuMsOf } from './common.ts';
import { LOCAL_SES_ACCOUNT } from '../local/stack.ts';
import { startDynalite, startSesEmulator, type Emulator } from '../local/emulators.ts';
import { readBody, startSesFaultProxy, type FaultProxy } from '../local/ses-fault-proxy.ts';

const UNPACED_SEND_RATE = 1_000_000;
const BULK_PATH = '/v2/email/outbound-bulk-emails';

let peakRss = process.memoryUsage.rss();
setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 100).unref();

/** A proxy to `target` that counts, per address, the SendBulkEmail entries SES answered SUCCESS for. */
async function countingProxy(target: URL, tally: Map<string, number>): Promise<string> {
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const answer = await new Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }>(
        (resolve, reject) => {
          const headers = { ...req.headers, host: target.host, 'content-length': String(body.length) };
          const out = request(
            { host: target.hostname, port: target.port, path: req.url, method: req.method, headers },
            (r) => void readBody(r).then((b) => resolve({ status: r.statusCode ?? 502, headers: r.headers, body: b })),
          );
          out.on('error', reject);
          out.end(body);
        },
      );
      if (req.method === 'POST' && req.url === BULK_PATH && answer.status === 200) {
        const { BulkEmailEntries } = JSON.parse(body.toString()) as {
          BulkEmailEntries: { Destination: { ToAddresses: string[] } }[];
        };
        const { BulkEmailEntryResults } = JSON.parse(answer.body.toString()) as {
          BulkEmailEntryResults: { Status: string }[];
        };
        BulkEmailEntries.forEach((entry, i) => {
          if (BulkEmailEntryResults[i]?.Status !== 'SUCCESS') return;
          for (const to of entry.Destination.ToAddresses) tally.set(to, (tally.get(to) ?? 0) + 1);
        });
      }
      res.writeHead(answer.status, answer.headers).end(answer.body);
    })().catch((error: unknown) => res.writeHead(502).end(String(error)));
  });
  // As the emulators do: idle keep-alive connections stay open past the SDK's reuse of them.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 121_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

let emulator: Emulator;
let url: string;
let proxy: FaultProxy | undefined;
const tally = new Map<string, number>();
const quotaAt = process.argv.indexOf('--quota');
const quota = quotaAt > 0 ? Number(process.argv[quotaAt + 1]) : undefined;
if (process.argv[2] === 'dynamodb') {
  emulator = await startDynalite(undefined, 0);
  url = emulator.url;
} else {
  // Without --quota the account's rate must not be what is measured: GetAccount answers a rate no machine reaches.
  process.env.AWS_SES_ACCOUNT ??= JSON.stringify({
    ...LOCAL_SES_ACCOUNT,
    SendQuota: { ...LOCAL_SES_ACCOUNT.SendQuota, MaxSendRate: UNPACED_SEND_RATE },
  });
  emulator = await startSesEmulator(0);
  url = process.argv.includes('--count') ? await countingProxy(new URL(emulator.url), tally) : emulator.url;
  if (process.argv.includes('--proxy')) {
    proxy = await startSesFaultProxy({ target: emulator.url, quotaPerSecond: quota || undefined });
    url = proxy.url;
  }
  const clear = () => void fetch(`${emulator.url}/clear-store`, { method: 'POST' }).catch(() => {});
  setInterval(clear, 1000).unref();
}
process.send?.({ url, direct: emulator.url });
const answers: Record<string, () => unknown> = {
  tally: () => ({ tally: [...tally] }),
  stats: () => ({ stats: proxy?.stats }),
  rss: () => ({ peakRss }),
  cpu: () => ({ cpuMs: cpuMsOf(process.cpuUsage()) }),
};
process.on('message', (message) => process.send?.(answers[String(message)]?.() ?? { peakRss }));
process.on('disconnect', () => {
  process.exit(0);
});
