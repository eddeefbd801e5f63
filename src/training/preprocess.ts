/**
 * Images to model input: decode (sharp, EXIF orientation honoured), stretch-resize to the model's
 * input size (the edge does the same on its frames), RGB, 0..1. Several images go into one
 * SharedArrayBuffer so that training worker threads read them without copies.
 */
import sharp from 'sharp';
import type { ImageSet } from './batches.js';

/** One image as NHWC float32 0..1 at width x height. */
export async function imageToTensorData(bytes: Buffer, width: number, height: number): Promise<Float32Array> {
  const raw = await sharp(bytes)
    .rotate()
    .resize(width, height, { fit: 'fill' })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer();
  const out = new Float32Array(width * height * 3);
  for (let i = 0; i < out.length; i++) out[i] = raw[i]! / 255;
  return out;
}

export async function loadImageSet(
  count: number,
  load: (index: number) => Promise<Buffer>,
  size: { width: number; height: number },
  onLoaded?: (done: number) => void,
): Promise<ImageSet> {
  const per = size.width * size.height * 3;
  const data = new Float32Array(new SharedArrayBuffer(count * per * 4));
  for (let i = 0; i < count; i++) {
    data.set(await imageToTensorData(await load(i), size.width, size.height), i * per);
    onLoaded?.(i + 1);
  }
  return { data, count, height: size.height, width: size.width };
}
