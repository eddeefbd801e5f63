/**
 * The training loop: shuffle, batch, one data-parallel step per batch, validation after every
 * epoch, early stopping on validation loss (keeping the best weights), cancellation between steps,
 * and progress (epoch, losses, ETA) after every epoch.
 */
import { AppError } from '../errors/app-error.js';
import type { AugmentOptions, ImageSet } from './batches.js';
import type { CaeArchitecture } from './cae-architecture.js';
import { flattenParameters, initParameters } from './cae-parameters.js';
import { splitBatch, type ReplicaGroup } from './replica-group.js';
import { SeededRandom } from './random.js';

export interface TrainingParams {
  arch: CaeArchitecture;
  epochs: number;
  /** At least this many optimiser steps: the epochs (and patience) grow on small sets. 0 = off. */
  minSteps?: number;
  batchSize: number;
  learningRate: number;
  /** Share of the normal images held out for validation and threshold calibration. */
  validationSplit: number;
  /** Stop after this many epochs without a validation improvement larger than minDelta. */
  patience: number;
  minDelta: number;
  seed: number;
  augment: AugmentOptions | null;
}

export interface EpochReport {
  epoch: number;
  epochs: number;
  trainLoss: number;
  valLoss: number;
  seconds: number;
  etaSeconds: number;
  bestEpoch: number;
}

export interface TrainingResult {
  params: Float32Array;
  history: EpochReport[];
  bestEpoch: number;
  stoppedEarly: boolean;
  trainIndices: number[];
  validationIndices: number[];
  /** Reconstruction scores of the held-out normal images with the best weights. */
  validationScores: Float32Array;
}

/**
 * Splits image indices into train and validation, at least one image each. `latest` holds out the
 * newest images (the set is in capture order): snapshots a few seconds apart are near duplicates,
 * so a random split validates on copies of training frames and calibrates a threshold that later
 * footage exceeds; the newest frames stand in for the footage the model will see next.
 */
export function splitTrainValidation(
  count: number,
  share: number,
  random: SeededRandom,
  holdOut: 'latest' | 'random' = 'latest',
): { train: number[]; validation: number[] } {
  if (count < 2)
    throw new AppError('validation_failed', `training needs at least 2 normal images (got ${count})`);
  const all = Array.from({ length: count }, (_, i) => i);
  const order = holdOut === 'random' ? random.shuffle(all) : all.reverse();
  const nVal = Math.min(count - 1, Math.max(1, Math.round(count * share)));
  return {
    validation: order.slice(0, nVal).sort((a, b) => a - b),
    train: order.slice(nVal).sort((a, b) => a - b),
  };
}

const mean = (v: Float32Array) => v.reduce((a, b) => a + b, 0) / Math.max(v.length, 1);

export async function trainCae(
  images: ImageSet,
  params: TrainingParams,
  group: ReplicaGroup,
  hooks: { onEpoch?: (r: EpochReport) => void; signal?: AbortSignal } = {},
): Promise<TrainingResult> {
  const random = new SeededRandom(params.seed);
  const { train, validation } = splitTrainValidation(images.count, params.validationSplit, random);
  const initial = flattenParameters(initParameters(params.arch, params.seed));
  await group.init({
    arch: params.arch,
    params: initial,
    learningRate: params.learningRate,
    images,
    augment: params.augment,
  });

  // A small set is few batches an epoch: stretch the schedule to minSteps, patience alike.
  const stepsPerEpoch = Math.max(1, Math.ceil(train.length / params.batchSize));
  const stretch = Math.max(1, (params.minSteps ?? 0) / (stepsPerEpoch * params.epochs));
  const epochs = Math.min(Math.ceil(params.epochs * stretch), 100_000);
  const patience = Math.ceil(params.patience * stretch);
  const history: EpochReport[] = [];
  let best = { loss: Number.POSITIVE_INFINITY, epoch: 0, params: initial };
  let stoppedEarly = false;
  const started = performance.now();
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const t0 = performance.now();
    const order = random.shuffle([...train]);
    let lossSum = 0;
    for (let b = 0; b < order.length; b += params.batchSize) {
      if (hooks.signal?.aborted) throw new AppError('cancelled', 'training was cancelled');
      const batch = order.slice(b, b + params.batchSize);
      const shares = splitBatch(batch, group.size).map((indices) => ({
        indices,
        ...(params.augment ? { augmentSeed: Math.floor(random.next() * 2 ** 32) } : {}),
      }));
      lossSum += (await group.step(shares)) * batch.length;
    }
    const valLoss = mean(await group.scores(validation));
    if (valLoss < best.loss - params.minDelta)
      best = { loss: valLoss, epoch, params: await group.parameters() };
    const seconds = (performance.now() - t0) / 1000;
    const elapsed = (performance.now() - started) / 1000;
    const report: EpochReport = {
      epoch,
      epochs,
      trainLoss: lossSum / order.length,
      valLoss,
      seconds,
      etaSeconds: (elapsed / epoch) * (epochs - epoch),
      bestEpoch: best.epoch,
    };
    history.push(report);
    hooks.onEpoch?.(report);
    if (epoch - best.epoch >= patience) {
      stoppedEarly = epoch < epochs;
      break;
    }
  }
  // Restore the best weights for scoring the held-out images.
  await group.init({
    arch: params.arch,
    params: best.params,
    learningRate: params.learningRate,
    images,
    augment: null,
  });
  const validationScores = await group.scores(validation);
  return {
    params: best.params,
    history,
    bestEpoch: best.epoch,
    stoppedEarly,
    trainIndices: train,
    validationIndices: validation,
    validationScores,
  };
}
