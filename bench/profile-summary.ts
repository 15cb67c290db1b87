// `npx tsx bench/profile-summary.ts FILE.cpuprofile [--per N] [--top K]`: where a CPU profile's time goes, by
// component (the AWS SDK, node's HTTP client, garbage collection, Herald's own code, ...) and by function, in ms
// and, with --per, in ms per unit (per recipient of a send: `--per 20054`). Idle time is shown apart.
import { readFileSync } from 'node:fs';
import { numberOption } from './common.ts';
import { formatTable } from '../local/table.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The component a frame belongs to: a package, a part of node, Herald's folder, or V8's own. */
function componentOf({ functionName, url }: ProfileNode['callFrame']): string {
  if (!url) return functionName === '(garbage collector)' || functionName === '(idle)' ? functionName : '(native)';
  const pkg = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg?.startsWith('@smithy/') || pkg?.startsWith('@aws-sdk/')) return 'AWS SDK';
  if (pkg) return pkg;
  if (url.startsWith('node:internal/deps/undici')) return 'node: fetch (undici)';
  if (/^node:(_http|http|net|internal\/(stream|streams|http))/.test(url)) return 'node: HTTP and sockets';
  if (url.startsWith('node:internal/crypto')) return 'node: crypto (signing, tokens)';
  if (url.startsWith('node:')) return 'node: other';
  const herald = /\/(functions|local|bench|contracts)\//.exec(url);
  return herald ? `Herald ${herald[1]}/` : url;
}

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a));
if (!file) {
  console.error('usage: npx tsx bench/profile-summary.ts FILE.cpuprofile [--per N] [--top K]');
  process.exit(2);
}
const per = numberOption(args, 'per', 1);
const top = numberOption(args, 'top', 15);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const totalMs = [...selfUs.values()].reduce((a, b) => a + b, 0) / 1000;

function table(title: string, keyOf: (frame: ProfileNode['callFrame']) => string, rows: number) {
  const sums = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const key = keyOf(nodes.get(id)!.callFrame);
    sums.set(key, (sums.get(key) ?? 0) + us / 1000);
  }
  const sorted = [...sums].sort((a, b) => b[1] - a[1]).slice(0, rows);
  console.log(`\n${title}`);
  console.log(
    formatTable(
      sorted.map(([key, ms]) => ({
        [title]: key,
        ms: ms.toFixed(0),
        share: `${((100 * ms) / totalMs).toFixed(1)}%`,
        ...(per > 1 && { 'ms per unit': (ms / per).toFixed(3) }),
      })),
      [title, 'ms', 'share', ...(per > 1 ? ['ms per unit'] : [])],
    ),
  );
}

console.log(
  `${file}: ${totalMs.toFixed(0)} ms sampled${per > 1 ? `, ${(totalMs / per).toFixed(3)} ms per unit (${per})` : ''}`,
);
table('component', componentOf, 30);
table(
  'function',
  (f) => `${f.functionName || '(anonymous)'} ${componentOf(f)}${f.url ? `:${f.lineNumber + 1}` : ''}`,
  top,
);
