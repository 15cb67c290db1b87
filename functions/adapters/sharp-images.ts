// The image processor on sharp (libvips): reads a file by its content, refuses anything but JPEG, PNG and WebP and
// any decompression bomb, and makes the 600 and 1200 px renditions for email, without metadata (EXIF, GPS).
import sharp from 'sharp';
import { MAX_IMAGE_PIXELS, RENDITION_WIDTHS, type ImageProcessor, type Renditions } from '../domain/images.ts';

const ACCEPTED = new Set(['jpeg', 'png', 'webp']);

export const sharpImageProcessor: ImageProcessor = {
  async renditions(original) {
    // The pixel limit holds for every read, the header's and the decoding's; a truncated file is an error too.
    const read = () => sharp(original, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'error', animated: false });
    let header: { format?: string; width: number; height: number; hasAlpha: boolean };
    try {
      const metadata = await read().metadata();
      // An EXIF orientation of 5 to 8 turns the picture a quarter: its shown width is its stored height.
      const turned = (metadata.orientation ?? 1) >= 5;
      header = {
        format: metadata.format,
        width: (turned ? metadata.height : metadata.width) ?? 0,
        height: (turned ? metadata.width : metadata.height) ?? 0,
        hasAlpha: metadata.hasAlpha ?? false,
      };
    } catch (error) {
      return refusal(error);
    }
    const { format, width, height, hasAlpha } = header;
    if (!format || !ACCEPTED.has(format) || width === 0 || height === 0) return { ok: false, reason: 'not-an-image' };
    if (width * height > MAX_IMAGE_PIXELS) return { ok: false, reason: 'too-many-pixels' };
    // Photos become JPEG (every mail client shows it); a picture with transparency stays PNG. WebP is not shown by
    // Outlook on Windows, so it is never sent.
    const type = hasAlpha ? 'image/png' : 'image/jpeg';
    try {
      const files = await Promise.all(
        RENDITION_WIDTHS.map(async (target) => {
          // `rotate()` applies the EXIF orientation before the metadata goes (sharp keeps none unless asked).
          const resized = read().rotate().resize({ width: target, withoutEnlargement: true });
          const encoded =
            type === 'image/png'
              ? resized.png({ compressionLevel: 9, palette: true })
              : resized.flatten({ background: '#ffffff' }).jpeg({ quality: 80, mozjpeg: true });
          return { width: target, body: await encoded.toBuffer() };
        }),
      );
      const shown = Math.min(width, RENDITION_WIDTHS[0]);
      return { ok: true, type, width: shown, height: Math.round((height * shown) / width), files };
    } catch (error) {
      return refusal(error);
    }
  },
};

/** What sharp's error says of the file; anything it cannot read is not an image we take. */
function refusal(error: unknown): Renditions {
  const message = error instanceof Error ? error.message : String(error);
  return { ok: false, reason: /pixel limit/i.test(message) ? 'too-many-pixels' : 'not-an-image' };
}
