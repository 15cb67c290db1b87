// An emulator in a process of its own for the send benchmark, so Herald's peak RSS is Herald's: `ses`
// (aws-ses-v2-local, which keeps every email in memory; its store is emptied every second, the benchmark counts
// calls itself) or `dynamodb` (dynalite, its LevelDB store in a temporary folder). It answers 'rss' with its own
// peak RSS.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_SES_ACCOUNT } from '../local/stack.ts';
import { startDynalite, startSesEmulator, type Emulator } from '../local/emulators.ts';

const UNPACED_SEND_RATE = 1_000_000;

let peakRss = process.memoryUsage().rss;
setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100).unref();

let emulator: Emulator;
let cleanUp = () => {};
if (process.argv[2] === 'dynamodb') {
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-bench-dynamodb-'));
  cleanUp = () => rmSync(dataDir, { recursive: true, force: true });
  emulator = await startDynalite(dataDir, 0);
} else {
  // Without --quota the account's rate must not be what is measured: GetAccount answers a rate no machine reaches.
  process.env.AWS_SES_ACCOUNT ??= JSON.stringify({
    ...LOCAL_SES_ACCOUNT,
    SendQuota: { ...LOCAL_SES_ACCOUNT.SendQuota, MaxSendRate: UNPACED_SEND_RATE },
  });
  emulator = await startSesEmulator(0);
  const clear = () => void fetch(`${emulator.url}/clear-store`, { method: 'POST' }).catch(() => {});
  setInterval(clear, 1000).unref();
}
process.send?.(emulator.url);
process.on('message', () => process.send?.({ peakRss }));
process.on('disconnect', () => {
  cleanUp();
  process.exit(0);
});
