// The image routes: where the browser puts a file (a presigned PUT), then the uploaded file made into renditions.
import { processImageUpload, startImageUpload, type ImageDeps } from '../domain/images.ts';
import { json, parseBody, type Request, type Response } from './http.ts';
import * as z from 'zod';
import type { RouteName } from '../../contracts/routes.ts';

export type ImageRouteName = Extract<RouteName, 'startImageUpload' | 'processImage'>;

export function imageRoutes(services: {
  images: ImageDeps;
}): Record<ImageRouteName, (request: Request) => Promise<Response>> {
  return {
    startImageUpload: async (r) => json(201, await startImageUpload(services.images, parseBody(r.event, z.unknown()))),
    processImage: async (r) => json(201, await processImageUpload(services.images, parseBody(r.event, z.unknown()))),
  };
}
