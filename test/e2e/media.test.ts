// Images and formatting in the editor web app (Chromium against the embedded stack): upload an image in the
// highlight form, format its summary with the toolbar and the shortcuts, and see both in the preview.
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedStack } from '../../local/stack.ts';
import { launchChromium } from '../support/browser.ts';
import { startTestStack, type TestStack } from '../support/embedded-stack.ts';

let test: TestStack;
let stack: EmbeddedStack;
let browser: Browser;
let page: Page;
let highlightId: string;

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${stack.urls.api}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${stack.editorToken}`, 'content-type': 'application/json', ...init.headers },
  });

beforeAll(async () => {
  const [started, launched] = await Promise.all([startTestStack('e2e-media'), launchChromium()]);
  test = started;
  stack = test.stack;
  browser = launched;
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${stack.urls.api}/editor/`);
  await page.getByLabel('Access token').fill(stack.editorToken);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Issues' }).waitFor();
});

afterAll(async () => {
  await browser?.close();
  await test?.dispose();
});

/** Selects `word` in the text area (the toolbar formats the selection). */
async function select(label: string, word: string) {
  await page.getByLabel(label).evaluate((area: HTMLTextAreaElement, w) => {
    const start = area.value.indexOf(w);
    area.focus();
    area.setSelectionRange(start, start + w.length);
  }, word);
}

describe('images and formatting in the editor', () => {
  it('uploads an image in the highlight form and shows it, then formats the summary with the toolbar', async () => {
    await page.goto(`${stack.urls.api}/editor/#/records/highlights/new`);
    await page.getByLabel('Title', { exact: false }).first().fill('Riverside fair');
    const summary = 'Makers met buyers by the river\nstalls\ntalks';
    await page.getByLabel('Summary').fill(summary);
    await select('Summary', 'met');
    await page.getByRole('button', { name: 'Bold' }).first().click();
    await select('Summary', 'river');
    await page.keyboard.press('Control+i');
    await select('Summary', 'stalls\ntalks');
    await page.getByRole('button', { name: 'Bulleted list' }).first().click();
    expect(await page.getByLabel('Summary').inputValue()).toBe(
      'Makers **met** buyers by the _river_\n- stalls\n- talks',
    );
    await page.getByLabel('Body').fill('Two days of stalls.');
    await page.getByLabel('Image description (alt text)').fill('Stalls along the river');
    await page.getByLabel('Country').selectOption('BG');
    await page.getByLabel('Place').fill('Haskovo');
    await page.getByLabel('Starts').fill('2026-06-10');

    const photo = await sharp({ create: { width: 1400, height: 900, channels: 3, background: '#2f6f8f' } })
      .jpeg()
      .toBuffer();
    await page
      .getByLabel('Choose an image…')
      .setInputFiles({ name: 'fair.jpg', mimeType: 'image/jpeg', buffer: photo });
    await page.getByRole('status').filter({ hasText: 'fair.jpg uploaded' }).waitFor();
    const url = await page.getByLabel('Image URL').inputValue();
    expect(url).toMatch(/\/images\/[0-9a-f]{32}-600\.jpg$/);
    const preview = page.locator('img.image-preview');
    await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(600);

    await page.getByRole('button', { name: 'Create highlight' }).click();
    await page.waitForURL(/#\/records\/highlights\/(?!new)[^/]+$/);
    highlightId = decodeURIComponent(page.url().split('/').pop()!);
    const saved = (await (await api(`/api/highlights/${highlightId}`)).json()) as {
      summary: { en: string };
      image: { url: string; alt: { en: string } };
    };
    expect(saved.summary.en).toBe('Makers **met** buyers by the _river_\n- stalls\n- talks');
    expect(saved.image).toEqual({ url, alt: { en: 'Stalls along the river' } });
  });

  it('shows the formatted summary and the image, with its 2x source, in the issue preview', async () => {
    const created = await api('/api/issues', {
      method: 'POST',
      body: JSON.stringify({
        title: 'Media',
        subject: { en: 'Riverside news' },
        intro: { en: 'Hello **readers**.' },
        sections: [{ type: 'highlights', items: [highlightId] }],
      }),
    });
    const { id } = (await created.json()) as { id: string };
    await page.goto(`${stack.urls.api}/editor/#/issues/${encodeURIComponent(id)}/preview/en`);
    await page.locator('iframe[title="Desktop preview"][data-loaded-lang="en"]').waitFor();
    const frame = page.frameLocator('iframe[title="Desktop preview"]');
    expect(await frame.locator('strong', { hasText: 'met' }).count()).toBe(1);
    expect(await frame.locator('em', { hasText: 'river' }).count()).toBe(1);
    expect(await frame.locator('ul.md li').allInnerTexts()).toEqual(['stalls', 'talks']);
    const image = frame.locator('img[alt="Stalls along the river"]');
    expect(await image.getAttribute('srcset')).toMatch(/-600\.jpg 1x, .*-1200\.jpg 2x$/);
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  });
});
