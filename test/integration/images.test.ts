// Record images on the embedded stack: the upload in two steps through the API, the renditions served from the site,
// an image in an edition's preview and on the archive's record page, and Markdown in the same edition.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedStack } from '../../local/stack.ts';
import { startTestStack, type TestStack } from '../support/embedded-stack.ts';
import { aHighlight, anIssueDraft } from '../support/records.ts';

let test: TestStack;
let stack: EmbeddedStack;

async function call(method: string, path: string, body?: unknown, token: string | null = stack.tokens.editor) {
  const response = await fetch(`${stack.urls.api}${path}`, {
    method,
    headers: {
      ...(token && { authorization: `Bearer ${token}` }),
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const type = response.headers.get('content-type') ?? '';
  return { status: response.status, body: type.includes('json') ? await response.json() : await response.text() };
}

interface Upload {
  id: string;
  upload: { method: string; url: string; headers: Record<string, string> };
}

/** What the editor's widget does: ask where to put the file, PUT it there, ask for it to be processed. */
async function upload(file: Buffer, type: string) {
  const started = await call('POST', '/api/images/uploads', { type, size: file.length });
  expect(started.status).toBe(201);
  const { id, upload: target } = started.body as Upload;
  const put = await fetch(target.url, { method: target.method, headers: target.headers, body: new Uint8Array(file) });
  return { id, target, put, processed: await call('POST', '/api/images', { id }) };
}

const photo = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#3a7d44' } })
    .withExif({ IFD0: { Model: 'Secret camera' } })
    .jpeg()
    .toBuffer();

beforeAll(async () => {
  test = await startTestStack('images');
  stack = test.stack;
});

afterAll(() => test?.dispose());

describe('image upload', () => {
  it('makes an uploaded photo into 600 and 1200 px renditions the site serves without metadata', async () => {
    const { put, processed } = await upload(await photo(1600, 1000), 'image/jpeg');
    expect(put.status).toBe(200);
    expect(processed.status).toBe(201);
    const { url, url2x, width, height } = processed.body as Record<string, string | number>;
    expect({ width, height }).toEqual({ width: 600, height: 375 });
    expect(url).toMatch(new RegExp(`^${stack.urls.api}/images/[0-9a-f]{32}-600\\.jpg$`));
    for (const [link, expected] of [
      [url, 600],
      [url2x, 1200],
    ] as const) {
      const served = await fetch(String(link));
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toBe('image/jpeg');
      const file = Buffer.from(await served.arrayBuffer());
      expect((await sharp(file).metadata()).width).toBe(expected);
      expect(file.includes('Secret camera')).toBe(false);
    }
    // The original (with its metadata) is gone once processed.
    expect(readdirSync(join(test.dataDir, 'uploads'))).toEqual([]);
  });

  it('refuses a file that is not an image whatever its declared type, a forged upload URL and a wrong size', async () => {
    const fake = Buffer.from('<html><script>alert(1)</script></html>');
    const { processed } = await upload(fake, 'image/png');
    expect(processed.status).toBe(400);
    expect(processed.body.error.field).toBe('file');

    const started = (await call('POST', '/api/images/uploads', { type: 'image/jpeg', size: 10 })).body as Upload;
    const forged = started.upload.url.replace(/signature=[^&]+/, 'signature=AAAA');
    expect((await fetch(forged, { method: 'PUT', headers: started.upload.headers, body: 'x'.repeat(10) })).status).toBe(
      403,
    );
    const wrongSize = await fetch(started.upload.url, {
      method: 'PUT',
      headers: started.upload.headers,
      body: 'x'.repeat(11),
    });
    expect(wrongSize.status).toBe(400);
    expect((await call('POST', '/api/images', { id: started.id })).status).toBe(404);
  });

  it('refuses an SVG, a file over 10 MB and callers who are not editors before anything is uploaded', async () => {
    const svg = await call('POST', '/api/images/uploads', { type: 'image/svg+xml', size: 100 });
    expect([svg.status, svg.body.error.field]).toEqual([400, 'type']);
    const large = await call('POST', '/api/images/uploads', { type: 'image/jpeg', size: 10 * 1024 * 1024 + 1 });
    expect([large.status, large.body.error.field]).toEqual([400, 'size']);
    expect((await call('POST', '/api/images/uploads', { type: 'image/jpeg', size: 1 }, null)).status).toBe(401);
    expect(
      (await call('POST', '/api/images/uploads', { type: 'image/jpeg', size: 1 }, stack.tokens.coordinator)).status,
    ).toBe(403);
  });
});

describe('an image and Markdown in an edition', () => {
  it('shows the 600 px rendition with its 2x source in the preview, and the formatted texts', async () => {
    const { processed } = await upload(await photo(1300, 800), 'image/jpeg');
    const { url, url2x } = processed.body as Record<string, string>;
    const created = await call('POST', '/api/highlights', {
      ...aHighlight,
      summary: { en: 'Makers **met** buyers:\n\n- [the fair](https://fair.example/programme)\n- stalls' },
      image: { url, alt: { en: 'Stalls in the square' } },
    });
    expect(created.status).toBe(201);
    const issue = await call('POST', '/api/issues', {
      ...anIssueDraft,
      intro: { en: 'Welcome, _readers_.' },
      sections: [{ type: 'highlights', items: [created.body.id] }],
    });
    const html = (await call('GET', `/api/issues/${issue.body.id}/preview?lang=en&format=html`)).body as string;
    const img = /<img[^>]*alt="Stalls in the square"[^>]*>/.exec(html)?.[0] ?? '';
    expect(img).toContain(`src="${url}"`);
    expect(img).toContain(`srcset="${url} 1x, ${url2x} 2x"`);
    expect(html).toContain('Makers <strong>met</strong> buyers:');
    expect(html).toContain('Welcome, <em>readers</em>.');
    expect(html).toMatch(/<a href="https:\/\/fair\.example\/programme"[^>]*>the fair<\/a>/);
    const text = (await call('GET', `/api/issues/${issue.body.id}/preview?lang=en&format=text`)).body as string;
    expect(text).toContain('- the fair (https://fair.example/programme)\n- stalls');
  });
});
