// Record images: renditions made by sharp from small files made here, what is refused, and the upload's two steps.
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { sharpImageProcessor } from '../../functions/adapters/sharp-images.ts';
import {
  processImageUpload,
  renditionUrl,
  startImageUpload,
  type ImageDeps,
  type ImageType,
} from '../../functions/domain/images.ts';
import { CallerError } from '../../functions/domain/errors.ts';
import { s3ImageMaker } from '../../functions/wiring/images.ts';
import type { Config } from '../../functions/wiring/config.ts';

/** A photo-like picture (noise compresses badly, as photos do), with EXIF and GPS when asked. */
async function photo(width: number, height: number, format: 'jpeg' | 'png' | 'webp' = 'jpeg', alpha = false) {
  const channels = alpha ? 4 : 3;
  const pixels = Buffer.alloc(width * height * channels);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7919) % 251;
  const image = sharp(pixels, { raw: { width, height, channels } }).withExif({
    IFD0: { Make: 'Camera', Model: 'Secret 1' },
    IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '41/1 56/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '25/1 33/1 0/1' },
  });
  return format === 'png'
    ? image.png().toBuffer()
    : format === 'webp'
      ? image.webp().toBuffer()
      : image.jpeg().toBuffer();
}

/** A valid PNG whose header claims `width` x `height` pixels: a decompression bomb's shape, in a few bytes. */
async function bombHeader(width: number, height: number) {
  const png = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#fff' } })
    .png()
    .toBuffer();
  const ihdr = png.indexOf('IHDR');
  png.writeUInt32BE(width, ihdr + 4);
  png.writeUInt32BE(height, ihdr + 8);
  png.writeUInt32BE(crc32(png.subarray(ihdr, ihdr + 17)), ihdr + 17);
  return png;
}

describe('the image processor', () => {
  it('makes a 600 and a 1200 px JPEG of a photo, without its EXIF and GPS data', async () => {
    const original = await photo(2400, 1600);
    expect((await sharp(original).metadata()).exif).toBeDefined();
    const made = await sharpImageProcessor.renditions(original);
    if (!made.ok) throw new Error(made.reason);
    expect(made.type).toBe('image/jpeg');
    expect({ width: made.width, height: made.height }).toEqual({ width: 600, height: 400 });
    for (const [i, width] of [600, 1200].entries()) {
      const file = made.files[i]!;
      expect(file.width).toBe(width);
      const metadata = await sharp(file.body).metadata();
      expect({ format: metadata.format, width: metadata.width }).toEqual({ format: 'jpeg', width });
      expect(metadata.exif).toBeUndefined();
      expect(file.body.includes('Secret 1')).toBe(false);
    }
  });

  it('keeps a transparent PNG a PNG, turns a WebP into JPEG, and never enlarges a small picture', async () => {
    const png = await sharpImageProcessor.renditions(await photo(800, 400, 'png', true));
    expect(png.ok && png.type).toBe('image/png');
    const webp = await sharpImageProcessor.renditions(await photo(300, 200, 'webp'));
    if (!webp.ok) throw new Error(webp.reason);
    expect(webp.type).toBe('image/jpeg');
    expect(webp.width).toBe(300);
    for (const file of webp.files) expect((await sharp(file.body).metadata()).width).toBe(300);
  });

  it('judges a file by its content: refuses text, SVG and GIF whatever they are called', async () => {
    const gif = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } })
      .gif()
      .toBuffer();
    for (const file of [
      Buffer.from('not a picture at all'),
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'),
      gif,
      (await photo(100, 100)).subarray(0, 200),
    ]) {
      expect(await sharpImageProcessor.renditions(file)).toEqual({ ok: false, reason: 'not-an-image' });
    }
  });

  it('refuses a decompression bomb by its pixel count before decoding it', async () => {
    expect(await sharpImageProcessor.renditions(await bombHeader(60_000, 60_000))).toEqual({
      ok: false,
      reason: 'too-many-pixels',
    });
  });
});

describe('the upload in two steps', () => {
  function fakeDeps() {
    const uploaded = new Map<string, Buffer>();
    const stored = new Map<string, Buffer>();
    const deps: ImageDeps = {
      uploads: {
        target: async (id, type: ImageType, size, expiresAt) => ({
          method: 'PUT',
          url: `https://uploads.example/${id}?type=${type}&size=${size}`,
          headers: { 'content-type': type },
          expiresAt: expiresAt.toISOString(),
        }),
        read: async (id) => uploaded.get(id),
        remove: async (id) => void uploaded.delete(id),
      },
      files: { put: async (name, body) => void stored.set(name, body) },
      processor: sharpImageProcessor,
      clock: { now: () => new Date('2026-05-01T10:00:00Z') },
      newId: () => 'a'.repeat(32),
      publicUrl: 'https://news.example',
    };
    return { deps, uploaded, stored };
  }

  it('gives a PUT target for a JPEG, PNG or WebP up to 10 MB, and refuses others naming the field', async () => {
    const { deps } = fakeDeps();
    const { id, upload } = await startImageUpload(deps, { type: 'image/png', size: 1234 });
    expect(id).toBe('a'.repeat(32));
    expect(upload).toMatchObject({ method: 'PUT', headers: { 'content-type': 'image/png' } });
    expect(upload.expiresAt).toBe('2026-05-01T10:15:00.000Z');
    for (const [input, field] of [
      [{ type: 'image/svg+xml', size: 10 }, 'type'],
      [{ type: 'image/gif', size: 10 }, 'type'],
      [{ type: 'image/jpeg', size: 10 * 1024 * 1024 + 1 }, 'size'],
      [{ type: 'image/jpeg', size: 0 }, 'size'],
    ] as const) {
      const failure = await startImageUpload(deps, input).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(CallerError);
      expect((failure as CallerError).details.field).toBe(field);
    }
  });

  it('stores both renditions, answers their URLs and deletes the original', async () => {
    const { deps, uploaded, stored } = fakeDeps();
    uploaded.set('a'.repeat(32), await photo(1500, 1000));
    const image = await processImageUpload(deps, { id: 'a'.repeat(32) });
    expect(image).toEqual({
      url: `https://news.example/images/${'a'.repeat(32)}-600.jpg`,
      url2x: `https://news.example/images/${'a'.repeat(32)}-1200.jpg`,
      width: 600,
      height: 400,
    });
    expect([...stored.keys()].sort()).toEqual([`${'a'.repeat(32)}-1200.jpg`, `${'a'.repeat(32)}-600.jpg`]);
    expect(uploaded.size).toBe(0);
    expect(renditionUrl(image.url, 1200)).toBe(image.url2x);
    expect(renditionUrl('https://elsewhere.example/photo-600.jpg', 1200)).toBeUndefined();
  });

  it('refuses an upload that is not an image with a 400 on "file", storing nothing and deleting it', async () => {
    const { deps, uploaded, stored } = fakeDeps();
    uploaded.set('a'.repeat(32), Buffer.from('%PDF-1.7 not an image'));
    const failure = await processImageUpload(deps, { id: 'a'.repeat(32) }).catch((error: unknown) => error);
    expect((failure as CallerError).status).toBe(400);
    expect((failure as CallerError).details.field).toBe('file');
    expect(stored.size).toBe(0);
    expect(uploaded.size).toBe(0);
    const missing = await processImageUpload(deps, { id: 'b'.repeat(32) }).catch((error: unknown) => error);
    expect((missing as CallerError).status).toBe(404);
  });
});

describe('the presigned upload in AWS', () => {
  it('signs a PUT of exactly the announced type and length, with no checksum the browser could not match', async () => {
    const env = { ...process.env };
    Object.assign(process.env, {
      AWS_REGION: 'eu-central-1',
      AWS_ACCESS_KEY_ID: 'AKIDTEST',
      AWS_SECRET_ACCESS_KEY: 'x',
    });
    try {
      const config = { imageBuckets: { uploads: 'herald-uploads-test', images: 'herald-images-test' } } as Config;
      const expiresAt = new Date(Date.now() + 15 * 60_000);
      const target = await s3ImageMaker.storage(config).uploads.target('d'.repeat(32), 'image/webp', 4321, expiresAt);
      const url = new URL(target.url);
      expect(url.origin).toBe('https://herald-uploads-test.s3.eu-central-1.amazonaws.com');
      expect(url.pathname).toBe(`/${'d'.repeat(32)}`);
      expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host');
      expect(Number(url.searchParams.get('X-Amz-Expires'))).toBeGreaterThan(890);
      expect([...url.searchParams.keys()].filter((key) => /checksum/i.test(key))).toEqual([]);
      expect(target.headers).toEqual({ 'content-type': 'image/webp' });
    } finally {
      process.env = env;
    }
  });
});
