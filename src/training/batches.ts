/**
 * Preprocessed images live in one Float32Array (NHWC, 0..1, image after image), shared between the
 * training threads; a batch is a list of indices into it. Augmentation is deliberately light and
 * photometric only (brightness, contrast): a fixed camera's geometry is part of what is normal, so
 * flips, crops or shifts would teach the model scenes the camera never sees.
 */
import { SeededRandom } from './random.js';

export interface ImageSet {
  data: Float32Array;
  count: number;
  height: number;
  width: number;
}

export const imageSize = (set: Pick<ImageSet, 'height' | 'width'>): number => set.height * set.width * 3;

export interface AugmentOptions {
  /** Max relative brightness change, e.g. 0.1 = +-10 %. */
  brightness: number;
  /** Max relative contrast change. */
  contrast: number;
}

export function gatherBatch(
  set: ImageSet,
  indices: number[],
  augment?: AugmentOptions & { seed: number },
): Float32Array {
  const size = imageSize(set);
  const out = new Float32Array(indices.length * size);
  const random = augment ? new SeededRandom(augment.seed) : undefined;
  indices.forEach((index, b) => {
    if (index < 0 || index >= set.count) throw new Error(`image index ${index} out of range`);
    const src = set.data.subarray(index * size, (index + 1) * size);
    const dst = out.subarray(b * size, (b + 1) * size);
    if (!random || !augment) {
      dst.set(src);
      return;
    }
    const gain = 1 + (random.next() * 2 - 1) * augment.contrast;
    const shift = (random.next() * 2 - 1) * augment.brightness;
    let mean = 0;
    for (let i = 0; i < size; i++) mean += src[i]!;
    mean /= size;
    for (let i = 0; i < size; i++) {
      const v = (src[i]! - mean) * gain + mean + shift;
      dst[i] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
  });
  return out;
}
