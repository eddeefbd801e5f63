/**
 * What one training thread holds: a replica of the model and views of the shared training state.
 * Used in the calling thread (LocalReplicaGroup) and inside each worker (replica-worker.ts).
 */
import { adamUpdate, type AdamOptions, type SharedTrainingState } from './adam.js';
import { gatherBatch, type AugmentOptions, type ImageSet } from './batches.js';
import type { CaeArchitecture } from './cae-architecture.js';
import { CaeReplica } from './cae-replica.js';

export interface BatchShare {
  indices: number[];
  /** Present when the batch is augmented. */
  augmentSeed?: number;
}

export interface ReplicaSetup {
  arch: CaeArchitecture;
  learningRate: number;
  images: ImageSet;
  augment: AugmentOptions | null;
  /** Weights, Adam moments, gradient slots: shared by every replica (SharedArrayBuffers). */
  state: SharedTrainingState;
}

/** A version of the shared weights: replicas copy them in when theirs is older. */
export interface WeightsVersion {
  version: number;
}

export class ReplicaHost {
  private replica?: CaeReplica;
  private setup?: ReplicaSetup;
  private version = -1;

  async init(setup: ReplicaSetup & WeightsVersion): Promise<void> {
    this.replica?.dispose();
    this.setup = setup;
    this.replica = await CaeReplica.create(setup.arch, setup.state.weights);
    this.version = setup.version;
  }

  /** The replica, with the shared weights of `version` copied in if it had older ones. */
  private current(version: number): { replica: CaeReplica; setup: ReplicaSetup } {
    if (!this.replica || !this.setup) throw new Error('replica used before init');
    if (version !== this.version) {
      this.replica.setParameters(this.setup.state.weights);
      this.version = version;
    }
    return { replica: this.replica, setup: this.setup };
  }

  /** This share's mean gradient into gradient slot `slot`; returns its loss and size. */
  gradientsToSlot(task: { share: BatchShare; slot: number } & WeightsVersion): {
    loss: number;
    count: number;
  } {
    const { replica, setup } = this.current(task.version);
    const { share } = task;
    const augment =
      setup.augment && share.augmentSeed !== undefined
        ? { ...setup.augment, seed: share.augmentSeed }
        : undefined;
    const batch = gatherBatch(setup.images, share.indices, augment);
    const size = setup.state.weights.length;
    const slot = setup.state.gradientSlots.subarray(task.slot * size, (task.slot + 1) * size);
    return { loss: replica.gradientsInto(batch, share.indices.length, slot), count: share.indices.length };
  }

  /** Adam step `step` on the parameters in `range` (see adam.ts). */
  adamRange(task: { range: [number, number]; slotWeights: number[]; step: number }): void {
    if (!this.setup) throw new Error('replica used before init');
    const options: AdamOptions = { learningRate: this.setup.learningRate };
    adamUpdate(this.setup.state, task.range, task.slotWeights, task.step, options);
  }

  scores(task: { indices: number[] } & WeightsVersion): Float32Array {
    const { replica, setup } = this.current(task.version);
    const out = new Float32Array(task.indices.length);
    // Evaluate in modest chunks to bound memory on big validation sets.
    for (let i = 0; i < task.indices.length; i += 32) {
      const chunk = task.indices.slice(i, i + 32);
      out.set(replica.evaluate(gatherBatch(setup.images, chunk), chunk.length).scores, i);
    }
    return out;
  }

  dispose(): void {
    this.replica?.dispose();
    this.replica = undefined;
  }
}
