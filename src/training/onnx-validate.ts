/**
 * Every export is checked before it is accepted: the ONNX file runs in onnxruntime-node on sample
 * images and must give the same reconstruction, score and error map as the tfjs model (max
 * absolute difference under 1e-4; typically ~1e-7). A calibrated score is checked against the same
 * computation in TypeScript (score-calibration.ts), relative to its size.
 */
import { loadTf } from '../ml/tfjs-wasm.js';
import { createSession, ort } from '../ml/onnx-runtime.js';
import type { CaeArchitecture } from './cae-architecture.js';
import { errorMap, imageScores, reconstruct, toTensors } from './cae-model.js';
import type { NamedParameter } from './cae-parameters.js';
import { ONNX_IO, permute } from './onnx-export.js';
import { calibratedScore, type ScoreCalibration } from './score-calibration.js';

export const EXPORT_TOLERANCE = 1e-4;

export interface ExportValidation {
  images: number;
  maxDiff: { recon: number; score: number; errorMap: number };
  /** The largest of the three. */
  maxAbsDiff: number;
  tolerance: number;
  passed: boolean;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>, relative = false): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let max = 0;
  for (let i = 0; i < a.length; i++)
    max = Math.max(max, Math.abs(a[i]! - b[i]!) / (relative ? Math.max(1, Math.abs(b[i]!)) : 1));
  return Number.isNaN(max) ? Number.POSITIVE_INFINITY : max;
}

/** `images`: NHWC float32 0..1, `count` images of the architecture's input size. */
export async function validateOnnxExport(
  onnx: Uint8Array,
  arch: CaeArchitecture,
  params: NamedParameter[],
  images: Float32Array,
  count: number,
  calibration?: ScoreCalibration,
): Promise<ExportValidation> {
  const tf = await loadTf();
  const H = arch.inputHeight;
  const W = arch.inputWidth;
  const reference = tf.tidy(() => {
    const weights = toTensors(tf, params);
    const x = tf.tensor4d(images, [count, H, W, 3]);
    const recon = reconstruct(tf, arch, weights, x);
    return [tf.transpose(recon, [0, 3, 1, 2]), imageScores(tf, x, recon), errorMap(tf, x, recon)];
  });
  const [recon, score, map] = reference.map((t) => t.dataSync() as Float32Array) as [
    Float32Array,
    Float32Array,
    Float32Array,
  ];
  tf.dispose(reference);
  const nchw = permute(images, [count, H, W, 3], [0, 3, 1, 2]);
  const plane = H * W;
  const expectedScore = calibration
    ? Float32Array.from({ length: count }, (_, i) =>
        calibratedScore(
          map.subarray(i * plane, (i + 1) * plane),
          nchw.subarray(i * 3 * plane, (i + 1) * 3 * plane),
          calibration,
        ),
      )
    : score;

  const session = await createSession(onnx);
  try {
    const input = new ort.Tensor('float32', nchw, [count, 3, H, W]);
    const out = await session.run({ [ONNX_IO.input]: input });
    const diff = {
      recon: maxAbsDiff(out[ONNX_IO.recon]!.data as Float32Array, recon),
      score: maxAbsDiff(out[ONNX_IO.score]!.data as Float32Array, expectedScore, !!calibration),
      errorMap: maxAbsDiff(out[ONNX_IO.errorMap]!.data as Float32Array, map),
    };
    const worst = Math.max(diff.recon, diff.score, diff.errorMap);
    return {
      images: count,
      maxDiff: diff,
      maxAbsDiff: worst,
      tolerance: EXPORT_TOLERANCE,
      passed: worst < EXPORT_TOLERANCE,
    };
  } finally {
    await session.release();
  }
}
