// The image maker of the ImagesApi: sharp and the S3 buckets, wired only there (and, with local storage, in the
// embedded stack), so no other function carries sharp's native library or the S3 client.
import { S3Client } from '@aws-sdk/client-s3';
import { sharpImageProcessor } from '../adapters/sharp-images.ts';
import { s3ImageStorage } from '../adapters/s3-images.ts';
import { ConfigError } from '../domain/errors.ts';
import type { ImageMaker } from './services.ts';

// Checksums only where S3 asks for them: by default a presigned PUT would carry the empty body's CRC32, and S3 would
// refuse the browser's file for not matching it.
const s3 = new S3Client({ requestChecksumCalculation: 'WHEN_REQUIRED' });

export const s3ImageMaker: ImageMaker = {
  processor: sharpImageProcessor,
  storage(config) {
    if (!config.imageBuckets) throw new ConfigError('the ImagesApi needs UPLOADS_BUCKET and IMAGES_BUCKET');
    return s3ImageStorage(s3, config.imageBuckets);
  },
};
