// The ImagesApi Lambda: a record image's upload URL and its processing into renditions (sharp, S3).
import { lambdaEntry } from '../wiring/lambda-entry.ts';
import { s3ImageMaker } from '../wiring/images.ts';
import { apiLambda } from './api.ts';

export const handler = lambdaEntry(apiLambda('images', { images: s3ImageMaker }));
