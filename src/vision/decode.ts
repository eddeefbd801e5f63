import sharp from 'sharp';
import { AppError } from '../errors/app-error.js';
import type { DecodedImage } from './types.js';

/** JPEG/PNG/WebP bytes to RGB pixels, EXIF orientation applied (boxes refer to the upright image). */
export async function decodeImage(bytes: Buffer | Uint8Array, maxSide = 8192): Promise<DecodedImage> {
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: maxSide * maxSide })
      .rotate()
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    return {
      data: new Uint8Array(data.buffer, data.byteOffset, data.length),
      width: info.width,
      height: info.height,
    };
  } catch (err) {
    throw new AppError('invalid_image', `the image cannot be decoded: ${(err as Error).message}`);
  }
}
