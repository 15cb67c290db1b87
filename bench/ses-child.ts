// The SES emulator in a process of its own for the send benchmark: the emulator keeps every email in memory, so it
// must not count in Herald's peak RSS, and it empties its store every second (the benchmark counts calls itself).
import { LOCAL_SES_ACCOUNT } from '../local/stack.ts';
import { startSesEmulator } from '../local/emulators.ts';

const UNPACED_SEND_RATE = 1_000_000;

// Without --quota the account's rate must not be what is measured: GetAccount answers a rate no machine reaches.
process.env.AWS_SES_ACCOUNT ??= JSON.stringify({
  ...LOCAL_SES_ACCOUNT,
  SendQuota: { ...LOCAL_SES_ACCOUNT.SendQuota, MaxSendRate: UNPACED_SEND_RATE },
});
const { url } = await startSesEmulator(0);
setInterval(() => void fetch(`${url}/clear-store`, { method: 'POST' }).catch(() => {}), 1000).unref();
process.send?.(url);
process.on('disconnect', () => process.exit(0));
