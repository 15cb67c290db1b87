// `npm run bench -- render [--runs 3]`: how long rendering the sample issue takes, warm, per edition and for all the
// profile's languages, and how big each edition's HTML is (Gmail clips mails over 102 KB). Prints the load average
// first; each run is 15 rounds, and each headline figure is the median of the runs' medians.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProfile, profilePath } from '../contracts/profile.ts';
import { createMjmlRenderer } from '../functions/adapters/mjml-renderer.ts';
import { buildEditionView, type IssueContent } from '../functions/domain/edition.ts';
import type { Highlight, Indicator, Issue, Practice } from '../functions/domain/records.ts';
import { referenceOf } from '../functions/domain/reference.ts';
import { sampleContentOf } from '../local/seed.ts';
import { formatTable } from '../local/table.ts';
import { printLoad, repeatRuns, runsOption, spreadText, median } from './common.ts';
const byId = <T extends { id: string }>(records: T[]) => new Map(records.map((r) => [r.id, r]));

export const renderOptions = (args: string[]) => ({ runs: runsOption(args), rounds: 15 });

export async function benchRender({ runs, rounds } = renderOptions(process.argv.slice(2))) {
  printLoad(runs);
  const profileFile = profilePath();
  const reference = referenceOf(loadProfile(profileFile));
  const content = sampleContentOf(profileFile, reference.profile);
  if (!content) throw new Error('The render benchmark needs a profile with sample content');
  const sample = <T>(file: string): T => JSON.parse(readFileSync(join(content.dir, file), 'utf8')) as T;
  const LANGUAGES = reference.languages;
  const issue: Issue = { ...sample<Omit<Issue, 'status' | 'createdAt'>>('issue.json'), status: 'draft', createdAt: '' };
  const records: IssueContent = {
    highlights: byId(sample<Highlight[]>('highlights.json')),
    practices: byId(sample<Practice[]>('practices.json')),
    indicators: byId(sample<Indicator[]>('indicators.json')),
  };
  const renderer = await createMjmlRenderer(fileURLToPath(new URL('../', import.meta.url)), reference, { profileFile });
  const views = LANGUAGES.map((language) =>
    buildEditionView(reference, issue, records, language, 'https://newsletter.example'),
  );
  await renderer.renderAll(views); // warm-up: JIT, MJML's first-use work

  // A send renders all languages together (MJML once per issue); a preview renders one language alone.
  const alone = new Map<string, number[]>(LANGUAGES.map((l) => [l, []]));
  const sizes = new Map<string, number>();
  const results = await repeatRuns(runs, async () => {
    const allEleven: number[] = [];
    const aloneRun: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      const start = performance.now();
      for (const edition of await renderer.renderAll(views))
        sizes.set(edition.language, Buffer.byteLength(edition.html));
      allEleven.push(performance.now() - start);
      for (const view of views) {
        const one = performance.now();
        await renderer.render(view);
        const ms = performance.now() - one;
        alone.get(view.language)!.push(ms);
        aloneRun.push(ms);
      }
    }
    return { all: median(allEleven), alone: median(aloneRun) };
  });
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  const rows = LANGUAGES.map((language) => ({
    language,
    'alone, median ms': Number(median(alone.get(language)!).toFixed(1)),
    'html KB': Number((sizes.get(language)! / 1024).toFixed(1)),
  }));
  console.log(formatTable(rows, ['language', 'alone, median ms', 'html KB']));
  console.log(
    `\nall ${LANGUAGES.length} editions of the sample issue, as a send renders them: ${spreadText(
      results.map((r) => r.all),
      ms,
    )} (${rounds} rounds a run, warm)`,
  );
  console.log(
    `per edition within a send: ${spreadText(
      results.map((r) => r.all / LANGUAGES.length),
      ms,
    )}`,
  );
  console.log(
    `one edition alone (a preview): ${spreadText(
      results.map((r) => r.alone),
      ms,
    )}`,
  );
  console.log(`largest edition: ${(Math.max(...sizes.values()) / 1024).toFixed(1)} KB (Gmail clips above 102 KB)`);
}
