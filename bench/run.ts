// `npm run bench -- <name> [--option value]`: benchmarks print figures; they never assert.
import { benchRender, renderOptions } from './render.ts';
import { benchSignup, signupOptions } from './signup.ts';
import { benchStats, statsOptions } from './stats.ts';
import { benchSend, sendOptions } from './send.ts';
import { benchReport, reportOptions } from './report.ts';
import { benchSubscribers, subscribersOptions } from './subscribers.ts';
import { benchImport, importOptions } from './import.ts';
import { audienceOptions, benchAudience } from './audience.ts';

const args = process.argv.slice(2);
const benches: Record<string, () => Promise<void>> = {
  render: () => benchRender(renderOptions(args)),
  signup: () => benchSignup(signupOptions(args)),
  stats: () => benchStats(statsOptions(args)),
  send: () => benchSend(sendOptions(args)),
  report: () => benchReport(reportOptions(args)),
  subscribers: () => benchSubscribers(subscribersOptions(args)),
  import: () => benchImport(importOptions(args)),
  audience: () => benchAudience(audienceOptions(args)),
};

// Names are the arguments that are neither options (`--seconds`, `--seconds=30`) nor an option's value.
const names = args.filter(
  (a, i) => !a.startsWith('-') && !(args[i - 1]?.startsWith('--') && !args[i - 1]!.includes('=')),
);
const chosen = names.length > 0 ? names : Object.keys(benches);
for (const name of chosen) {
  const bench = benches[name];
  if (!bench) {
    console.error(`unknown benchmark "${name}"; available: ${Object.keys(benches).join(', ')}`);
    process.exit(2);
  }
  console.log(`== ${name}`);
  await bench();
}
