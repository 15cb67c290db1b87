// The README's pictures of the editor app, taken in Debian's Chromium against a fresh embedded stack:
// `npx tsx tools/editor-screenshots.ts` writes docs/screenshots/editor-*.png (look at each before committing).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmbeddedStack } from '../local/stack.ts';
import { launchChromium } from '../test/support/browser.ts';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'screenshots');
mkdirSync(OUT, { recursive: true });
const dataDir = mkdtempSync(join(tmpdir(), 'herald-screenshots-'));
const stack = await startEmbeddedStack({ dataDir, port: 0, sesPort: 0, dynamoPort: 0 });
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  const app = `${stack.urls.api}/editor/`;
  await page.goto(app);
  await page.getByLabel('Access token').fill(stack.editorToken);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Issues' }).waitFor();
  const shot = (name: string) => page.screenshot({ path: join(OUT, `${name}.png`) });

  // A copy of the sample issue: a draft that saves itself as one types.
  await page.goto(`${app}#/issues/secon-newsletter-5/compose`);
  await page.getByRole('button', { name: 'Duplicate' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Duplicate' }).click();
  await page.getByRole('heading', { level: 1, name: /\(copy\)$/ }).waitFor();
  await page.getByRole('tab', { name: /^Latvian/ }).click();
  await page.getByLabel('Subject').fill('SECON jaunumi: pārrobežu ziņojums');
  await page.locator('.save-state', { hasText: 'Saved at' }).waitFor();
  await page.locator('.save-state').scrollIntoViewIfNeeded();
  await shot('editor-autosave');
  // Latvian without its own subject: the send dialog then asks about the English fallback.
  await page.getByLabel('Subject').fill('');
  await page.locator('.save-state', { hasText: 'Saved at' }).waitFor();

  // The translation grid: each gap a link to its field, the subscribers per language.
  await page.getByRole('link', { name: /^Translations/ }).click();
  await page.locator('.readers:not(:empty)').first().waitFor();
  await shot('editor-translations');

  // The send dialog: who gets it per language, the missing translations and the English fallback as a choice.
  await page.getByRole('link', { name: 'Test and send' }).click();
  await page.getByRole('button', { name: 'Send now…' }).click();
  await page.getByRole('dialog').locator('.send-gaps input[type=checkbox]').waitFor();
  await page.getByRole('dialog').locator('.send-gaps').scrollIntoViewIfNeeded();
  await shot('editor-send-dialog');
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();

  // Every error at once, next to its field, the language tab marked.
  await page.goto(`${app}#/records/highlights/new`);
  await page.getByRole('tab', { name: /^Bulgarian/ }).click();
  await page.getByLabel('Title').fill('Семинар '.repeat(30));
  await page.getByRole('button', { name: 'Create highlight' }).click();
  await page.locator('.feedback-list').waitFor();
  await shot('editor-errors');

  // At 320 px.
  await page.setViewportSize({ width: 320, height: 640 });
  await page.getByRole('link', { name: 'Issues', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Leave without saving' }).click();
  await page.getByRole('heading', { level: 1, name: 'Issues' }).waitFor();
  await shot('editor-320px');
} finally {
  await browser.close();
  await stack.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
console.log(`Screenshots in ${OUT}`);
