/**
 * After training: fit the edge model's score (score-calibration.ts) and its threshold.
 *
 * The per-pixel error statistics come from every normal image; the threshold from the held-out
 * (newest) ones by the configured rule, times a margin: later footage of the same view scores
 * higher than the held-out frames (measured on vtest-day: up to ~2.6x their maximum within the
 * next minute of footage, the light and the people move on), and a threshold at the held-out
 * maximum would fire on most of it. The expected false-trigger rate is reported with its 95 %
 * upper bound, because a few dozen held-out images cannot show a rate below a few percent.
 */
import { createSession, ort } from '../ml/onnx-runtime.js';
import type { CaeArchitecture } from './cae-architecture.js';
import type { NamedParameter } from './cae-parameters.js';
import { imageSize, type ImageSet } from './batches.js';
import { exportCaeToOnnx, ONNX_IO, permute } from './onnx-export.js';
import {
  calibratedScore,
  errorPeak,
  fitScoreCalibration,
  withThreshold,
  type ScoreCalibration,
} from './score-calibration.js';
import { calibrate, normalThreshold, type Calibration, type ThresholdRule } from './threshold.js';

export interface ModelCalibration {
  score: ScoreCalibration;
  threshold: Calibration;
}

export interface CalibrateInput {
  arch: CaeArchitecture;
  params: NamedParameter[];
  normal: ImageSet;
  validationIndices: number[];
  abnormal: ImageSet;
  rule: ThresholdRule;
  margin: number;
  blurDrop: number;
}

interface Scored {
  maps: Float32Array[];
  images: Float32Array[];
}

/** Error maps (and NCHW images) of a set through the uncalibrated export, in batches. */
async function errorMaps(session: ort.InferenceSession, set: ImageSet, indices: number[]): Promise<Scored> {
  const { height: H, width: W } = set;
  const size = imageSize(set);
  const out: Scored = { maps: [], images: [] };
  for (let b = 0; b < indices.length; b += 16) {
    const batch = indices.slice(b, b + 16);
    const nhwc = new Float32Array(batch.length * size);
    batch.forEach((index, k) => nhwc.set(set.data.subarray(index * size, (index + 1) * size), k * size));
    const nchw = permute(nhwc, [batch.length, H, W, 3], [0, 3, 1, 2]);
    const res = await session.run({
      [ONNX_IO.input]: new ort.Tensor('float32', nchw, [batch.length, 3, H, W]),
    });
    const maps = res[ONNX_IO.errorMap]!.data as Float32Array;
    batch.forEach((_, k) => {
      out.maps.push(Float32Array.from(maps.subarray(k * H * W, (k + 1) * H * W)));
      out.images.push(nchw.slice(k * size, (k + 1) * size));
    });
  }
  return out;
}

export async function calibrateModel(input: CalibrateInput): Promise<ModelCalibration> {
  const { arch, normal } = input;
  const session = await createSession(exportCaeToOnnx(arch, input.params));
  try {
    const all = Array.from({ length: normal.count }, (_, i) => i);
    const scored = await errorMaps(session, normal, all);
    const fitted = fitScoreCalibration(scored.maps, scored.images, {
      height: arch.inputHeight,
      width: arch.inputWidth,
      blurDrop: input.blurDrop,
    });
    const peaks = input.validationIndices.map((i) => errorPeak(scored.maps[i]!, fitted));
    const score = withThreshold(fitted, normalThreshold(peaks, input.rule) * input.margin);
    const validation = Float32Array.from(input.validationIndices, (i) =>
      calibratedScore(scored.maps[i]!, scored.images[i]!, score),
    );
    const abnormalScored = await errorMaps(
      session,
      input.abnormal,
      Array.from({ length: input.abnormal.count }, (_, i) => i),
    );
    const abnormal = Float32Array.from(abnormalScored.maps, (m, i) =>
      calibratedScore(m, abnormalScored.images[i]!, score),
    );
    return { score, threshold: calibrate(validation, abnormal, input.rule, input.margin) };
  } finally {
    await session.release();
  }
}
