// Image storage in S3: originals in the uploads bucket (the browser PUTs them to a presigned URL), renditions in the
// images bucket under images/, which CloudFront serves at /images/.
import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ImageFiles, ImageUploads } from '../domain/images.ts';

/** A rendition's name changes whenever its content would: browsers and CloudFront may keep it for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

export function s3ImageStorage(
  s3: S3Client,
  buckets: { uploads: string; images: string },
): { uploads: ImageUploads; files: ImageFiles } {
  return {
    uploads: {
      async target(id, type, size, expiresAt) {
        // Type and length are signed: S3 refuses a PUT of another type or of more (or fewer) bytes than announced.
        const command = new PutObjectCommand({
          Bucket: buckets.uploads,
          Key: id,
          ContentType: type,
          ContentLength: size,
        });
        const expiresIn = Math.max(1, Math.round((expiresAt.getTime() - Date.now()) / 1000));
        const url = await getSignedUrl(s3, command, {
          expiresIn,
          signableHeaders: new Set(['content-type', 'content-length']),
        });
        return { method: 'PUT', url, headers: { 'content-type': type }, expiresAt: expiresAt.toISOString() };
      },
      async read(id) {
        try {
          const object = await s3.send(new GetObjectCommand({ Bucket: buckets.uploads, Key: id }));
          return object.Body ? Buffer.from(await object.Body.transformToByteArray()) : undefined;
        } catch (error) {
          if (error instanceof NoSuchKey) return undefined;
          throw error;
        }
      },
      async remove(id) {
        await s3.send(new DeleteObjectCommand({ Bucket: buckets.uploads, Key: id }));
      },
    },
    files: {
      async put(name, body, type) {
        await s3.send(
          new PutObjectCommand({
            Bucket: buckets.images,
            Key: `images/${name}`,
            Body: body,
            ContentType: type,
            CacheControl: IMMUTABLE,
          }),
        );
      },
    },
  };
}
