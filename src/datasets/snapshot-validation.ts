/**
 * What a labelled snapshot must be before it is stored: an image sharp can decode (JPEG, PNG or
 * WebP), within the size and resolution limits.
 */
import sharp from 'sharp';
import { AppError } from '../errors/app-error.js';

export interface ImageLimits {
  maxImageBytes: number;
  minImageSide: number;
  maxImageSide: number;
}

export interface ImageInfo {
  width: number;
  height: number;
  contentType: 'image/jpeg' | 'image/png' | 'image/webp';
  extension: 'jpg' | 'png' | 'webp';
}

const FORMATS = {
  jpeg: { contentType: 'image/jpeg', extension: 'jpg' },
  png: { contentType: 'image/png', extension: 'png' },
  webp: { contentType: 'image/webp', extension: 'webp' },
} as const;

export async function validateSnapshotImage(bytes: Buffer, limits: ImageLimits): Promise<ImageInfo> {
  if (bytes.length === 0) throw new AppError('invalid_image', 'the image is empty');
  if (bytes.length > limits.maxImageBytes) {
    throw new AppError(
      'invalid_image',
      `the image is ${bytes.length} bytes; the limit is ${limits.maxImageBytes}`,
    );
  }
  let meta: Awaited<ReturnType<ReturnType<typeof sharp>['metadata']>>;
  try {
    // limitInputPixels guards against decompression bombs inside a small file.
    meta = await sharp(bytes, { limitInputPixels: limits.maxImageSide * limits.maxImageSide }).metadata();
    // metadata() reads only the header: decode fully so truncated files are caught too.
    await sharp(bytes, { limitInputPixels: limits.maxImageSide * limits.maxImageSide })
      .resize(8, 8)
      .raw()
      .toBuffer();
  } catch (err) {
    throw new AppError('invalid_image', `the image cannot be decoded: ${(err as Error).message}`);
  }
  const format = FORMATS[meta.format as keyof typeof FORMATS];
  if (!format)
    throw new AppError(
      'invalid_image',
      `image format ${meta.format ?? 'unknown'} is not accepted (JPEG, PNG or WebP)`,
    );
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (Math.min(width, height) < limits.minImageSide || Math.max(width, height) > limits.maxImageSide) {
    throw new AppError(
      'invalid_image',
      `the image is ${width}x${height}; each side must be between ${limits.minImageSide} and ${limits.maxImageSide} pixels`,
    );
  }
  return { width, height, ...format };
}
