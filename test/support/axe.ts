// axe-core in a page of the browser tests: the WCAG 2.1 A and AA rules, violations as short readable lines.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WCAG21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

interface AxeResults {
  violations: { id: string; help: string; nodes: { target: unknown[] }[] }[];
}

/** The WCAG 2.1 A/AA violations on the page as it is now, e.g. "color-contrast: … (#summary dd)"; [] when clean. */
export async function wcagViolations(page: Page): Promise<string[]> {
  // Evaluated, not a <script>: the web apps' policy allows no inline script, and the DevTools protocol is not bound by it.
  await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(
    (tags) =>
      (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<AxeResults> } }).axe.run(
        document,
        { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] },
      ),
    WCAG21_AA,
  );
  return results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}
