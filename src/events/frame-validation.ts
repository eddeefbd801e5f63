import sharp, { type Metadata } from 'sharp';
import { AppError } from '../errors/app-error.js';
import type { FrameFormat } from './event-metadata.js';

export interface FrameLimits {
  maxFrameBytes: number;
  maxFrameWidth: number;
  maxFrameHeight: number;
}

/**
 * A frame must be a JPEG or PNG within the size and resolution limits and must actually decode
 * (a truncated or corrupt file is refused). Decoding to 16 px uses libjpeg's shrink-on-load, so the
 * check costs little even for large frames.
 */
export async function validateFrame(
  image: Uint8Array,
  index: number,
  limits: FrameLimits,
): Promise<FrameFormat> {
  const bad = (why: string): never => {
    throw new AppError('validation_failed', `frame ${index}: ${why}`, { frame: index });
  };
  if (image.length === 0) bad('empty');
  if (image.length > limits.maxFrameBytes)
    bad(`${image.length} bytes is over the limit of ${limits.maxFrameBytes}`);
  let meta: Metadata;
  try {
    meta = await sharp(image, { failOn: 'truncated' }).metadata();
  } catch {
    return bad('not a decodable image (JPEG or PNG expected)');
  }
  if (meta.format !== 'jpeg' && meta.format !== 'png')
    bad(`format ${meta.format} is not accepted (JPEG or PNG)`);
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width > limits.maxFrameWidth || height > limits.maxFrameHeight)
    bad(`${width}x${height} is over the limit of ${limits.maxFrameWidth}x${limits.maxFrameHeight}`);
  try {
    await sharp(image, { failOn: 'truncated' }).resize(16, 16, { fit: 'inside' }).raw().toBuffer();
  } catch (err) {
    bad(`does not decode: ${(err as Error).message}`);
  }
  return { format: meta.format as 'jpeg' | 'png', width, height };
}
