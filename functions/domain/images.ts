// Images of records: an upload in two steps (the browser puts the file straight into storage, then asks for it to be
// made into email renditions), what is accepted, and where each rendition is served.
import * as z from 'zod';
import type { Clock } from './ports.ts';
import { NotFoundError, ValidationError } from './errors.ts';
import { validate } from './validation.ts';

export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
/** More pixels than any camera's photo an editor would send (about 9800 x 6500); more is a decompression bomb. */
export const MAX_IMAGE_PIXELS = 64_000_000;
/** The edition's column (552 px shown, 600 px file) and twice that for high-density screens and the archive. */
export const RENDITION_WIDTHS = [600, 1200] as const;
export type RenditionWidth = (typeof RENDITION_WIDTHS)[number];
/** How long an upload's URL stays valid. */
export const UPLOAD_MINUTES = 15;

const UPLOAD_ID = /^[0-9a-f]{32}$/;
/** An image we made: `<publicUrl>/images/<id>-<width>.<jpg|png>`. */
const RENDITION_URL = /^(.*\/images\/[0-9a-f]{32})-(600|1200)\.(jpg|png)$/;

/** Where and how the browser sends the file: a presigned PUT (S3) or the embedded stack's own. */
export interface UploadTarget {
  method: 'PUT';
  url: string;
  /** Headers the PUT must carry as they are (the signature covers them). */
  headers: Record<string, string>;
  expiresAt: string;
}

/** Where originals land until they are processed. */
export interface ImageUploads {
  target(id: string, type: ImageType, size: number, expiresAt: Date): Promise<UploadTarget>;
  /** The uploaded file, or undefined when nothing (or nothing any more) was uploaded under the id. */
  read(id: string): Promise<Buffer | undefined>;
  remove(id: string): Promise<void>;
}

/** Where renditions are kept and served from (`<publicUrl>/images/<name>`). */
export interface ImageFiles {
  put(name: string, body: Buffer, type: 'image/jpeg' | 'image/png'): Promise<void>;
}

export type Renditions =
  | {
      ok: true;
      type: 'image/jpeg' | 'image/png';
      /** The 600 px rendition's size, as the edition shows it. */
      width: number;
      height: number;
      files: { width: RenditionWidth; body: Buffer }[];
    }
  | { ok: false; reason: 'not-an-image' | 'too-many-pixels' };

/** Reads a file by its content (never its name or declared type) and makes the renditions, without metadata. */
export interface ImageProcessor {
  renditions(original: Buffer): Promise<Renditions>;
}

export interface ImageDeps {
  uploads: ImageUploads;
  files: ImageFiles;
  processor: ImageProcessor;
  clock: Clock;
  newId(): string;
  publicUrl: string;
}

export interface ProcessedImage {
  /** The 600 px rendition, the one a record's `image.url` holds. */
  url: string;
  url2x: string;
  width: number;
  height: number;
}

const uploadRequestSchema = z.strictObject({
  type: z.enum(IMAGE_TYPES, { message: 'must be image/jpeg, image/png or image/webp' }),
  size: z
    .number()
    .int()
    .min(1, 'must not be empty')
    .max(MAX_IMAGE_BYTES, `is over ${MAX_IMAGE_BYTES / 1024 / 1024} MB`),
});
const processRequestSchema = z.strictObject({ id: z.string().regex(UPLOAD_ID, 'is not an upload id') });

const extension = (type: 'image/jpeg' | 'image/png') => (type === 'image/png' ? 'png' : 'jpg');
export const renditionName = (id: string, width: RenditionWidth, type: 'image/jpeg' | 'image/png') =>
  `${id}-${width}.${extension(type)}`;

/** Step one: where the browser puts the file (the size and type it declares are what the storage will accept). */
export async function startImageUpload(deps: Pick<ImageDeps, 'uploads' | 'clock' | 'newId'>, input: unknown) {
  const { type, size } = validate(uploadRequestSchema, input);
  const id = deps.newId();
  const expiresAt = new Date(deps.clock.now().getTime() + UPLOAD_MINUTES * 60_000);
  return { id, upload: await deps.uploads.target(id, type, size, expiresAt) };
}

/** Step two: the uploaded file made into renditions; the original (with its metadata) is deleted either way. */
export async function processImageUpload(deps: ImageDeps, input: unknown): Promise<ProcessedImage> {
  const { id } = validate(processRequestSchema, input);
  const original = await deps.uploads.read(id);
  if (!original) throw new NotFoundError(`an upload with the id ${id}`);
  try {
    if (original.length > MAX_IMAGE_BYTES) throw new ValidationError('file', 'is over 10 MB');
    const made = await deps.processor.renditions(original);
    if (!made.ok) {
      throw new ValidationError(
        'file',
        made.reason === 'too-many-pixels'
          ? `has more than ${MAX_IMAGE_PIXELS / 1_000_000} million pixels`
          : 'is not a JPEG, PNG or WebP image',
      );
    }
    await Promise.all(
      made.files.map((file) => deps.files.put(renditionName(id, file.width, made.type), file.body, made.type)),
    );
    const url = (width: RenditionWidth) => `${deps.publicUrl}/images/${renditionName(id, width, made.type)}`;
    return { url: url(600), url2x: url(1200), width: made.width, height: made.height };
  } finally {
    await deps.uploads.remove(id);
  }
}

/** Another rendition of an image we made, or undefined for any other URL (an image linked from elsewhere). */
export function renditionUrl(url: string, width: RenditionWidth): string | undefined {
  const match = RENDITION_URL.exec(url);
  return match ? `${match[1]}-${width}.${match[3]}` : undefined;
}
