import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSession, ort } from '../ml/onnx-runtime.js';
import { initParameters } from './cae-parameters.js';
import type { CaeArchitecture } from './cae-architecture.js';
import { calibrateModel } from './calibrate-model.js';
import { exportCaeToOnnx, ONNX_IO, permute } from './onnx-export.js';
import { validateOnnxExport } from './onnx-validate.js';
import { SeededRandom } from './random.js';
import {
  calibratedScore,
  fitScoreCalibration,
  localPeak,
  sharpness,
  withThreshold,
} from './score-calibration.js';

const H = 32;
const W = 32;
const arch: CaeArchitecture = {
  inputHeight: H,
  inputWidth: W,
  channels: [4, 8, 8],
  latentDim: 16,
  kernelSize: 3,
};

/** A textured NCHW image: stripes plus noise, so that blurring it removes detail. */
function texture(seed: number): Float32Array {
  const r = new SeededRandom(seed);
  const img = new Float32Array(3 * H * W);
  for (let c = 0; c < 3; c++)
    for (let p = 0; p < H * W; p++)
      img[c * H * W + p] = 0.5 + 0.3 * Math.sin((p % W) * 1.7) + 0.05 * r.next();
  return img;
}

function boxBlur(img: Float32Array): Float32Array {
  const out = new Float32Array(img.length);
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        let s = 0;
        for (let d = -2; d <= 2; d++) s += img[c * H * W + y * W + Math.min(W - 1, Math.max(0, x + d))]!;
        out[c * H * W + y * W + x] = s / 5;
      }
  return out;
}

describe('the calibrated edge score', () => {
  it('localPeak finds the densest window, not the mean', () => {
    const z = new Float32Array(H * W);
    for (let y = 10; y < 14; y++) for (let x = 20; x < 24; x++) z[y * W + x] = 8;
    assert.equal(localPeak(z, H, W, 4), 8);
    assert.equal(localPeak(z, H, W, 8), 2);
  });

  it('a compact unexplained region and a blur each raise the score; normal error stays below 1', () => {
    const r = new SeededRandom(3);
    const maps = Array.from({ length: 20 }, () =>
      Float32Array.from({ length: H * W }, () => 0.01 + 0.002 * r.next()),
    );
    const images = Array.from({ length: 20 }, (_, i) => texture(i));
    const fitted = fitScoreCalibration(maps, images, { height: H, width: W, blurDrop: 0.25 });
    const cal = withThreshold(fitted, 5);
    const normal = calibratedScore(maps[0]!, images[0]!, cal);
    assert.ok(normal < 1, `normal ${normal}`);

    const blob = Float32Array.from(maps[0]!);
    for (let y = 8; y < 16; y++) for (let x = 8; x < 16; x++) blob[y * W + x] = 0.05;
    assert.ok(calibratedScore(blob, images[0]!, cal) > 1);

    const blurred = boxBlur(images[0]!);
    assert.ok(sharpness(blurred, H, W) < 0.5 * sharpness(images[0]!, H, W));
    // A blurred frame's reconstruction error is the normal one (or lower); the sharpness term fires.
    assert.ok(calibratedScore(maps[0]!, blurred, cal) > 1);
  });

  it('the exported graph computes the same score as TypeScript, and the threshold carries the margin', async () => {
    const params = initParameters(arch, 5);
    const r = new SeededRandom(8);
    const count = 12;
    const nhwc = Float32Array.from({ length: count * H * W * 3 }, () => r.next());
    const set = { data: nhwc, count, height: H, width: W };
    const empty = { data: new Float32Array(), count: 0, height: H, width: W };
    const base = {
      arch,
      params,
      normal: set,
      abnormal: empty,
      validationIndices: [9, 10, 11],
      blurDrop: 0.25,
    };
    const rule = { rule: 'percentile', percentile: 100 } as const;
    const one = await calibrateModel({ ...base, rule, margin: 1 });
    const twice = await calibrateModel({ ...base, rule, margin: 2 });
    assert.ok(Math.abs(twice.score.errorScale * 2 - one.score.errorScale) < 1e-9);
    assert.equal(twice.threshold.margin, 2);
    assert.equal(twice.threshold.falsePositiveRate, 0);

    const onnx = exportCaeToOnnx(arch, params, { calibration: twice.score });
    const check = await validateOnnxExport(onnx, arch, params, nhwc, count, twice.score);
    assert.ok(check.passed, JSON.stringify(check.maxDiff));
    // And it is not the plain MSE any more.
    const session = await createSession(onnx);
    const out = await session.run({
      [ONNX_IO.input]: new ort.Tensor('float32', permute(nhwc, [count, H, W, 3], [0, 3, 1, 2]), [
        count,
        3,
        H,
        W,
      ]),
    });
    const scores = out[ONNX_IO.score]!.data as Float32Array;
    const mse = await validateOnnxExport(onnx, arch, params, nhwc, count);
    assert.equal(mse.passed, false);
    assert.ok(Math.max(...scores.subarray(9)) <= 0.5 + 1e-4, 'held-out images score at most 1/margin');
    await session.release();
  });
});
