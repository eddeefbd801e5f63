import { AppError } from '../errors/app-error.js';
import type { TypedApp } from './routes/deps.js';

/** Image formats the API accepts as a raw request body. */
export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'];
export const IMAGE_BODY_LIMIT = 20 * 1024 * 1024;

/** Lets routes of this app take an image as the raw body (once per app, whichever route asks first). */
export function acceptImageBodies(app: TypedApp): void {
  for (const type of IMAGE_TYPES) {
    if (!app.hasContentTypeParser(type)) {
      app.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: IMAGE_BODY_LIMIT }, (_req, body, done) =>
        done(null, body),
      );
    }
  }
}

/** The request's image bytes, or 415 when the body is not one of IMAGE_TYPES. */
export function imageBody(request: { headers: Record<string, unknown>; body: unknown }): Buffer {
  const type = String(request.headers['content-type']).split(';')[0]!.trim();
  if (!IMAGE_TYPES.includes(type) || !Buffer.isBuffer(request.body))
    throw new AppError('unsupported_media_type', `send the image as ${IMAGE_TYPES.join(', ')}`);
  return request.body;
}
