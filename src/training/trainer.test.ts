import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { silentLogger } from '../test-support/silent-logger.js';
import { loadImageSet } from './preprocess.js';
import { LocalReplicaGroup, WorkerReplicaGroup } from './replica-group.js';
import { splitTrainValidation, trainCae, type TrainingParams } from './trainer.js';
import { SeededRandom } from './random.js';
import { calibrate } from './threshold.js';
import { unflattenParameters } from './cae-parameters.js';
import { exportCaeToOnnx } from './onnx-export.js';
import { validateOnnxExport } from './onnx-validate.js';
import { gatherBatch } from './batches.js';
import { CaeReplica } from './cae-replica.js';

const fixtures = fileURLToPath(new URL('../../test/fixtures/vtest-train/', import.meta.url));
const frameNames = Array.from({ length: 12 }, (_, i) => `frame-${String(i * 8 + 1).padStart(4, '0')}.jpg`);

/** The same frame with a grey box pasted over the lawn: an occlusion the model never saw. */
async function occluded(bytes: Buffer): Promise<Buffer> {
  const box = await sharp({
    create: { width: 110, height: 80, channels: 3, background: { r: 128, g: 40, b: 160 } },
  })
    .png()
    .toBuffer();
  return sharp(bytes)
    .composite([{ input: box, left: 150, top: 190 }])
    .jpeg()
    .toBuffer();
}

const params = (over: Partial<TrainingParams> = {}): TrainingParams => ({
  arch: { inputHeight: 64, inputWidth: 64, channels: [8, 16, 32], latentDim: 32, kernelSize: 3 },
  epochs: 25,
  batchSize: 4,
  learningRate: 3e-3,
  validationSplit: 0.25,
  patience: 25,
  minDelta: 0,
  seed: 42,
  augment: { brightness: 0.05, contrast: 0.05 },
  ...over,
});

describe('CAE training on real frames', () => {
  it('learns the scene: held-out normal frames score below occluded ones, and the export matches', async () => {
    const frames = await Promise.all(frameNames.map((n) => readFile(fixtures + n)));
    const p = params();
    const size = { width: p.arch.inputWidth, height: p.arch.inputHeight };
    const images = await loadImageSet(frames.length, async (i) => frames[i]!, size);
    const epochs: number[] = [];
    const result = await trainCae(images, p, new LocalReplicaGroup(), {
      onEpoch: (r) => epochs.push(r.valLoss),
    });
    assert.equal(result.history.length, p.epochs);
    assert.ok(epochs.at(-1)! < epochs[0]! * 0.7, `validation loss fell: ${epochs[0]} -> ${epochs.at(-1)}`);

    const bad = await Promise.all(result.validationIndices.map((i) => occluded(frames[i]!)));
    const badSet = await loadImageSet(bad.length, async (i) => bad[i]!, size);
    const replica = await CaeReplica.create(p.arch, result.params);
    const badScores = replica.evaluate(badSet.data, badSet.count).scores;
    const cal = calibrate(result.validationScores, badScores, { rule: 'percentile', percentile: 99 });
    assert.equal(
      cal.imageAuroc,
      1,
      `every occluded frame scores above every normal one: ${JSON.stringify(cal)}`,
    );
    assert.ok(Math.max(...result.validationScores) < Math.min(...badScores));

    // Export of a trained model, checked in onnxruntime on the real held-out frames.
    const named = unflattenParameters(p.arch, result.params);
    const onnx = exportCaeToOnnx(p.arch, named);
    const check = await validateOnnxExport(
      onnx,
      p.arch,
      named,
      gatherBatch(images, result.validationIndices),
      result.validationIndices.length,
    );
    assert.ok(check.passed, JSON.stringify(check.maxDiff));
    replica.dispose();
  });

  it('two worker replicas train to the same kind of result and a seed repeats exactly', async () => {
    const frames = await Promise.all(frameNames.slice(0, 8).map((n) => readFile(fixtures + n)));
    const p = params({ epochs: 3, augment: null });
    const images = await loadImageSet(frames.length, async (i) => frames[i]!, { width: 64, height: 64 });
    const group = new WorkerReplicaGroup(2, silentLogger);
    try {
      const a = await trainCae(images, p, group);
      const b = await trainCae(images, p, group);
      assert.deepEqual(a.params, b.params, 'same seed, same workers: identical weights');
      const local = await trainCae(images, p, new LocalReplicaGroup());
      // Same data and seed, different gradient summation order: close, not bit-identical.
      const diff = Math.abs(local.history.at(-1)!.trainLoss - a.history.at(-1)!.trainLoss);
      assert.ok(
        diff < 1e-3 * local.history.at(-1)!.trainLoss + 1e-6,
        `loss ${local.history.at(-1)!.trainLoss} vs ${a.history.at(-1)!.trainLoss}`,
      );
    } finally {
      await group.close();
    }
  });

  it('stops early when validation stops improving and honours cancel', async () => {
    const frames = await Promise.all(frameNames.slice(0, 6).map((n) => readFile(fixtures + n)));
    const images = await loadImageSet(frames.length, async (i) => frames[i]!, { width: 64, height: 64 });
    const early = await trainCae(
      images,
      params({ epochs: 30, patience: 1, minDelta: 1 }),
      new LocalReplicaGroup(),
    );
    assert.equal(early.stoppedEarly, true);
    assert.equal(early.history.length, 2);
    assert.equal(early.bestEpoch, 1);
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      trainCae(images, params(), new LocalReplicaGroup(), { signal: controller.signal }),
      /cancelled/,
    );
  });

  it('holds out the newest images and stretches a short schedule to minSteps', async () => {
    const split = splitTrainValidation(10, 0.2, new SeededRandom(1));
    assert.deepEqual(split.validation, [8, 9]);
    assert.deepEqual(split.train, [0, 1, 2, 3, 4, 5, 6, 7]);
    const frames = await Promise.all(frameNames.slice(0, 5).map((n) => readFile(fixtures + n)));
    const images = await loadImageSet(frames.length, async (i) => frames[i]!, { width: 64, height: 64 });
    // 4 training images at batch 4 = 1 step an epoch: 2 epochs stretch to 6 for minSteps 6.
    const run = await trainCae(images, params({ epochs: 2, minSteps: 6 }), new LocalReplicaGroup());
    assert.equal(run.history.length, 6);
    assert.equal(run.history[0]!.epochs, 6);
  });

  it('augmentation shifts by whole pixels and adds noise, within 0..1', () => {
    const set = { data: new Float32Array(4 * 4 * 3), count: 1, height: 4, width: 4 };
    set.data[(1 * 4 + 1) * 3] = 1; // one bright red pixel at (1,1)
    const plain = gatherBatch(set, [0], { brightness: 0, contrast: 0, shift: 1, noise: 0, seed: 11 });
    const bright = [...plain].map((v, i) => (v > 0.5 ? i / 3 : -1)).filter((i) => i >= 0);
    assert.equal(bright.length, 1, 'the pixel moved, not smeared');
    const noisy = gatherBatch(set, [0], { brightness: 0, contrast: 0, shift: 0, noise: 0.05, seed: 3 });
    assert.ok(
      noisy.some((v) => v > 0 && v < 0.5),
      'noise added',
    );
    assert.ok(noisy.every((v) => v >= 0 && v <= 1));
  });
});
