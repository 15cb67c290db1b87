// The embedded stack's image storage, in the data directory: originals under uploads/ until processed (PUT to a
// signed URL, as a presigned S3 URL works), renditions under images/, served by the HTTP server at /images/.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { MAX_IMAGE_BYTES, type ImageFiles, type ImageUploads } from '../functions/domain/images.ts';

/** Where the browser PUTs an original. */
export const LOCAL_UPLOAD_PREFIX = '/local/uploads/';
const ID = /^[0-9a-f]{32}$/;

export interface LocalImageStorage {
  uploads: ImageUploads;
  files: ImageFiles;
  /** The renditions' folder, served at /images/. */
  imagesDir: string;
  /** Answers a PUT of an original, checked as S3 checks a presigned URL: signature, expiry, type and size. */
  receive(event: APIGatewayProxyEventV2, now: Date): Promise<APIGatewayProxyStructuredResultV2>;
}

const refused = (statusCode: number, code: string, message: string, field?: string) => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify({ error: { code, message, ...(field && { field }) } }),
});

export function localImageStorage(dataDir: string, publicUrl: string): LocalImageStorage {
  const uploadsDir = join(dataDir, 'uploads');
  const imagesDir = join(dataDir, 'images');
  mkdirSync(uploadsDir, { recursive: true });
  mkdirSync(imagesDir, { recursive: true });
  // A key per run: an upload URL outlives neither its 15 minutes nor the process.
  const key = randomBytes(32);
  const sign = (id: string, type: string, size: string, expires: string) =>
    createHmac('sha256', key).update(`${id}\n${type}\n${size}\n${expires}`).digest('base64url');

  return {
    imagesDir,
    uploads: {
      async target(id, type, size, expiresAt) {
        const expires = String(expiresAt.getTime());
        const query = new URLSearchParams({ type, size: String(size), expires });
        query.set('signature', sign(id, type, String(size), expires));
        return {
          method: 'PUT',
          url: `${publicUrl}${LOCAL_UPLOAD_PREFIX}${id}?${query}`,
          headers: { 'content-type': type },
          expiresAt: expiresAt.toISOString(),
        };
      },
      async read(id) {
        if (!ID.test(id)) return undefined;
        return readFile(join(uploadsDir, id)).catch(() => undefined);
      },
      async remove(id) {
        if (ID.test(id)) await rm(join(uploadsDir, id), { force: true });
      },
    },
    files: {
      async put(name, body) {
        await writeFile(join(imagesDir, name), body);
      },
    },
    async receive(event, now) {
      if (event.requestContext.http.method !== 'PUT') return refused(405, 'method_not_allowed', 'uploads are PUT');
      const id = event.rawPath.slice(LOCAL_UPLOAD_PREFIX.length);
      const { type = '', size = '', expires = '', signature = '' } = event.queryStringParameters ?? {};
      const expected = Buffer.from(sign(id, type, size, expires));
      const given = Buffer.from(signature);
      if (!ID.test(id) || given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return refused(403, 'forbidden', 'signature: does not match', 'signature');
      }
      if (Number(expires) < now.getTime()) return refused(403, 'forbidden', 'expires: the upload URL has expired');
      if (event.headers['content-type'] !== type) {
        return refused(400, 'invalid_input', `content-type: must be ${type}`, 'content-type');
      }
      const body = event.body ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8') : Buffer.alloc(0);
      if (body.length !== Number(size) || body.length > MAX_IMAGE_BYTES) {
        return refused(400, 'invalid_input', `body: must be the ${size} bytes announced`, 'body');
      }
      await writeFile(join(uploadsDir, id), body);
      return { statusCode: 200 };
    },
  };
}
