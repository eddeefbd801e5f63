/**
 * The edge model's anomaly score, fitted after training and baked into the ONNX graph
 * (onnx-export.ts builds the same computation from these numbers):
 *
 *   z(p)      = (error(p) - mean(p)) * invStd(p)      per pixel, standardised by the normal images'
 *                                                     own error at that pixel, so the usual traffic
 *                                                     on a footpath weighs less than a person on an
 *                                                     empty lawn;
 *   local     = max over windows of mean(z)           a compact unexplained region, not the image mean
 *                                                     (a 60 px animal is 1 % of a frame's MSE);
 *   sharpness = mean(laplacian(gray)^2)               high-frequency energy: blur and defocus LOWER a
 *                                                     plain reconstruction error, so they need their own
 *                                                     term;
 *   score     = max(local * errorScale, (1 - sharpness / sharpnessRef) * blurScale)
 *
 * errorScale puts the calibrated threshold at 1 before the margin; blurScale makes a loss of
 * `blurDrop` of the normal sharpness score 1.
 */
import { percentile } from './threshold.js';

export interface ScoreCalibration {
  height: number;
  width: number;
  /** Per-pixel mean and inverse spread of the normal images' error map (row-major H x W). */
  errorMean: Float32Array;
  errorInvStd: Float32Array;
  /** Side of the square window the standardised error is averaged over. */
  window: number;
  errorScale: number;
  sharpnessRef: number;
  blurScale: number;
}

export interface FitOptions {
  height: number;
  width: number;
  /** Share of the normal sharpness that, lost, scores 1 (0.25 = a quarter of the detail gone). */
  blurDrop: number;
}

/** Separable Gaussian blur of one H x W plane (edges clamped). */
export function gaussianBlur(plane: Float32Array, h: number, w: number, sigma: number): Float32Array {
  if (sigma <= 0) return Float32Array.from(plane);
  const radius = Math.ceil(3 * sigma);
  const kernel = Array.from({ length: 2 * radius + 1 }, (_, i) =>
    Math.exp(-((i - radius) ** 2) / (2 * sigma ** 2)),
  );
  const sum = kernel.reduce((a, b) => a + b, 0);
  const k = kernel.map((v) => v / sum);
  const pass = (src: Float32Array, horizontal: boolean) => {
    const out = new Float32Array(src.length);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        let acc = 0;
        for (let i = -radius; i <= radius; i++) {
          const sx = horizontal ? Math.min(w - 1, Math.max(0, x + i)) : x;
          const sy = horizontal ? y : Math.min(h - 1, Math.max(0, y + i));
          acc += src[sy * w + sx]! * k[i + radius]!;
        }
        out[y * w + x] = acc;
      }
    return out;
  };
  return pass(pass(plane, true), false);
}

/** Mean squared 4-neighbour Laplacian of the channel-mean image (NCHW, one image), valid region. */
export function sharpness(image: Float32Array, h: number, w: number): number {
  const plane = h * w;
  const gray = (i: number) => (image[i]! + image[plane + i]! + image[2 * plane + i]!) / 3;
  let sum = 0;
  for (let y = 1; y < h - 1; y++)
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const lap = gray(i - w) + gray(i + w) + gray(i - 1) + gray(i + 1) - 4 * gray(i);
      sum += lap * lap;
    }
  return sum / ((h - 2) * (w - 2));
}

/**
 * Mean of z over every window x window square fully inside the map (an integral image), as a
 * (h - window + 1) x (w - window + 1) map: entry (y, x) is the square whose top-left is (y, x).
 */
export function windowMeans(z: Float32Array, h: number, w: number, window: number): Float32Array {
  const iw = w + 1;
  const integral = new Float64Array((h + 1) * iw);
  for (let y = 0; y < h; y++) {
    let row = 0;
    for (let x = 0; x < w; x++) {
      row += z[y * w + x]!;
      integral[(y + 1) * iw + x + 1] = integral[y * iw + x + 1]! + row;
    }
  }
  const oh = h - window + 1;
  const ow = w - window + 1;
  const out = new Float32Array(Math.max(oh, 0) * Math.max(ow, 0));
  for (let y = 0; y < oh; y++)
    for (let x = 0; x < ow; x++) {
      const s =
        integral[(y + window) * iw + x + window]! -
        integral[y * iw + x + window]! -
        integral[(y + window) * iw + x]! +
        integral[y * iw + x]!;
      out[y * ow + x] = s / (window * window);
    }
  return out;
}

/** Largest mean of z over any window x window square fully inside the map. */
export function localPeak(z: Float32Array, h: number, w: number, window: number): number {
  return windowMeans(z, h, w, window).reduce((m, v) => Math.max(m, v), Number.NEGATIVE_INFINITY);
}

/** The error map standardised per pixel (before windowing). */
export function standardise(
  map: Float32Array,
  cal: Pick<ScoreCalibration, 'errorMean' | 'errorInvStd'>,
): Float32Array {
  const z = new Float32Array(map.length);
  for (let i = 0; i < map.length; i++) z[i] = (map[i]! - cal.errorMean[i]!) * cal.errorInvStd[i]!;
  return z;
}

/** The standardised local error peak of one error map (before errorScale). */
export function errorPeak(
  map: Float32Array,
  cal: Pick<ScoreCalibration, 'height' | 'width' | 'errorMean' | 'errorInvStd' | 'window'>,
): number {
  return localPeak(standardise(map, cal), cal.height, cal.width, cal.window);
}

/** The score as the exported graph computes it (for checking the export and for tests). */
export function calibratedScore(map: Float32Array, image: Float32Array, cal: ScoreCalibration): number {
  const blur = (1 - sharpness(image, cal.height, cal.width) / cal.sharpnessRef) * cal.blurScale;
  return Math.max(errorPeak(map, cal) * cal.errorScale, blur);
}

/** Window side for an input: about 1/16 of the shorter side (8 px at 128, a 48 px patch at 768). */
export const windowFor = (h: number, w: number): number => Math.max(3, Math.round(Math.min(h, w) / 16));

/**
 * Per-pixel statistics from the normal images' error maps (smoothed: a few dozen images give a
 * noisy spread, and a pixel's neighbours vary alike; measured on the tuning split, a sigma of 2 px
 * let later normal frames reach 4x the held-out maximum, 8 px 1.7x), a spread floor at the median spread so that
 * a pixel the normal images happen to reconstruct perfectly cannot dominate, and the sharpness
 * reference (median, robust to a few soft frames). `errorScale` stays 1 until `withThreshold`.
 */
export function fitScoreCalibration(
  maps: Float32Array[],
  images: Float32Array[],
  o: FitOptions,
): ScoreCalibration {
  if (maps.length === 0) throw new Error('score calibration needs at least one normal image');
  const plane = o.height * o.width;
  const mean = new Float32Array(plane);
  const sq = new Float32Array(plane);
  for (const m of maps)
    for (let i = 0; i < plane; i++) {
      mean[i]! += m[i]! / maps.length;
      sq[i]! += (m[i]! * m[i]!) / maps.length;
    }
  const std = new Float32Array(plane);
  for (let i = 0; i < plane; i++) std[i] = Math.sqrt(Math.max(sq[i]! - mean[i]! * mean[i]!, 0));
  // Wide smoothing (1/16 of the view): a few dozen frames show people at a few points of a
  // footpath, and the spread must cover the whole path, not those points.
  const sigma = Math.min(o.height, o.width) / 16;
  const smoothMean = gaussianBlur(mean, o.height, o.width, sigma);
  const smoothStd = gaussianBlur(std, o.height, o.width, sigma);
  const floor = Math.max(percentile(smoothStd, 50), 1e-6);
  const invStd = smoothStd.map((s) => 1 / (s + floor));
  return {
    height: o.height,
    width: o.width,
    errorMean: smoothMean,
    errorInvStd: invStd,
    window: windowFor(o.height, o.width),
    errorScale: 1,
    sharpnessRef: Math.max(
      percentile(
        images.map((im) => sharpness(im, o.height, o.width)),
        50,
      ),
      1e-9,
    ),
    blurScale: 1 / o.blurDrop,
  };
}

/** Scales the error term so that `rawThreshold` (a local peak) scores 1. */
export function withThreshold(cal: ScoreCalibration, rawThreshold: number): ScoreCalibration {
  return { ...cal, errorScale: 1 / Math.max(rawThreshold, 1e-9) };
}
