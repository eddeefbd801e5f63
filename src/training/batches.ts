/**
 * Preprocessed images live in one Float32Array (NHWC, 0..1, image after image), shared between the
 * training threads; a batch is a list of indices into it. Augmentation is light, so that the model
 * generalises to later footage of the same view without learning views the camera never has:
 * brightness and contrast (the light drifts), sensor noise, and a shift of a pixel or two (a mast
 * sways, a mount settles). No flips, crops or large shifts: a fixed camera's geometry is part of
 * what is normal, and a camera that was moved must still look abnormal.
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
  /** Max shift in whole pixels along each axis (edges repeat); 0 = none. */
  shift?: number;
  /** Standard deviation of additive Gaussian noise, in 0..1 pixel units; 0 = none. */
  noise?: number;
}

/** Standard normal draw (Box-Muller). */
function gaussian(random: SeededRandom): number {
  const u = Math.max(random.next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.next());
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
    const offset = (random.next() * 2 - 1) * augment.brightness;
    const maxShift = augment.shift ?? 0;
    const dx = Math.round((random.next() * 2 - 1) * maxShift);
    const dy = Math.round((random.next() * 2 - 1) * maxShift);
    const noise = augment.noise ?? 0;
    let mean = 0;
    for (let i = 0; i < size; i++) mean += src[i]!;
    mean /= size;
    const { width, height } = set;
    for (let y = 0; y < height; y++) {
      const sy = Math.min(height - 1, Math.max(0, y - dy));
      for (let x = 0; x < width; x++) {
        const sx = Math.min(width - 1, Math.max(0, x - dx));
        for (let c = 0; c < 3; c++) {
          const n = noise > 0 ? gaussian(random) * noise : 0;
          const v = (src[(sy * width + sx) * 3 + c]! - mean) * gain + mean + offset + n;
          dst[(y * width + x) * 3 + c] = v < 0 ? 0 : v > 1 ? 1 : v;
        }
      }
    }
  });
  return out;
}
