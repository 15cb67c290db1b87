// The README's screenshots of the sample issue, sent on a fresh embedded stack: its edition in the archive (desktop, the
// whole page; phone, the first screen; light and dark) and the archive's index, as PNGs in docs/screenshots/:
// `npx tsx tools/edition-screenshots.ts` (HERALD_SCREENSHOT_LANG=bg for another language).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContextOptions } from 'playwright-core';
import { launchChromium } from '../test/support/browser.ts';
import { startTestStack } from '../test/support/embedded-stack.ts';

const OUT_DIR = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const LANGUAGE = process.env.HERALD_SCREENSHOT_LANG ?? 'en';
const DESKTOP = { viewport: { width: 1024, height: 900 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
type Shot = BrowserContextOptions & { fullPage: boolean };

async function shoot(browser: Browser, url: string, file: string, { fullPage, ...options }: Shot) {
  const context = await browser.newContext(options);
  try {
    const page = await context.newPage();
    await page.goto(url);
    // goto waited for the load event, so every image has loaded or failed: a failed one stops the script.
    const broken = await page.$$eval('img', (images) =>
      images.filter((image) => image.getClientRects().length > 0 && image.naturalWidth === 0).map((image) => image.src),
    );
    if (broken.length > 0) throw new Error(`${url} shows broken images: ${broken.join(', ')}`);
    await page.screenshot({ path: join(OUT_DIR, file), fullPage });
    console.log(`wrote docs/screenshots/${file}`);
  } finally {
    await context.close();
  }
}

process.env.LOG_LEVEL ??= 'silent';
mkdirSync(OUT_DIR, { recursive: true });
const [test, browser] = await Promise.all([startTestStack('screenshots'), launchChromium()]);
try {
  const { stack } = test;
  const issueId = stack.sample?.issueId;
  if (!issueId) throw new Error('The profile has no sample issue to send');
  const sent = await fetch(`${stack.urls.api}/api/issues/${issueId}/send`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.adminToken}` },
  });
  if (sent.status !== 202) throw new Error(`The send answered ${sent.status}: ${await sent.text()}`);
  await stack.drained();
  const edition = `${stack.urls.api}/archive/${issueId}/${LANGUAGE}`;
  for (const [name, device] of [
    ['desktop', { ...DESKTOP, fullPage: true }],
    ['phone', { ...PHONE, fullPage: false }],
  ] as const) {
    for (const colorScheme of ['light', 'dark'] as const) {
      await shoot(browser, edition, `edition-${name}-${colorScheme}.png`, { ...device, colorScheme });
    }
  }
  await shoot(browser, `${stack.urls.api}/archive/${LANGUAGE}/`, 'archive-index.png', { ...DESKTOP, fullPage: false });
} finally {
  await browser.close();
  await test.dispose();
}
