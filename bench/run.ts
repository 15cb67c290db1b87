// `npm run bench -- <name>`: benchmarks print figures; they never assert.
import { benchRender } from './render.ts';

const benches: Record<string, () => Promise<void>> = {
  render: () => benchRender(),
};

const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
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
