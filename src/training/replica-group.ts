/**
 * Data-parallel training over one or more replicas of the model. Each step splits the batch
 * across the replicas, each computes gradients on its share, and every replica then applies the
 * same size-weighted average with its own (identical) Adam state, so the copies never diverge.
 * `LocalReplicaGroup` runs one replica in the calling thread (tests, tiny jobs); `WorkerReplicaGroup`
 * runs one per worker thread, which is how the service trains on every core.
 */
import { WorkerPool, workerScript } from '../jobs/worker-pool.js';
import type { Logger } from '../logging/logger.js';
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
  params: Float32Array;
  learningRate: number;
  images: ImageSet;
  augment: AugmentOptions | null;
}

export interface ReplicaGroup {
  readonly size: number;
  init(setup: ReplicaSetup): Promise<void>;
  /** One optimiser step over the shares (one per replica); resolves to the batch's mean loss. */
  step(shares: BatchShare[]): Promise<number>;
  /** Per-image reconstruction scores for these images (no weight change). */
  scores(indices: number[]): Promise<Float32Array>;
  parameters(): Promise<Float32Array>;
  close(): Promise<void>;
}

/** Splits a batch into `parts` nearly equal shares (empty shares are dropped). */
export function splitBatch(indices: number[], parts: number): number[][] {
  const out: number[][] = [];
  const size = Math.ceil(indices.length / parts);
  for (let i = 0; i < indices.length; i += size) out.push(indices.slice(i, i + size));
  return out;
}

/** Size-weighted mean of the shares' gradients (each is a mean over its own images). */
export function averageGradients(results: { grads: Float32Array; count: number }[]): Float32Array {
  const total = results.reduce((n, r) => n + r.count, 0);
  const out = new Float32Array(results[0]!.grads.length);
  for (const r of results) {
    const w = r.count / total;
    for (let i = 0; i < out.length; i++) out[i]! += r.grads[i]! * w;
  }
  return out;
}

/** The state one replica keeps: shared by the in-thread group and the worker thread. */
export class ReplicaHost {
  private replica?: CaeReplica;
  private setup?: ReplicaSetup;

  async init(setup: ReplicaSetup): Promise<void> {
    this.replica?.dispose();
    this.setup = setup;
    this.replica = await CaeReplica.create(setup.arch, setup.params, setup.learningRate);
  }

  private ready(): { replica: CaeReplica; setup: ReplicaSetup } {
    if (!this.replica || !this.setup) throw new Error('replica used before init');
    return { replica: this.replica, setup: this.setup };
  }

  gradients(share: BatchShare): { loss: number; grads: Float32Array; count: number } {
    const { replica, setup } = this.ready();
    const augment =
      setup.augment && share.augmentSeed !== undefined
        ? { ...setup.augment, seed: share.augmentSeed }
        : undefined;
    const batch = gatherBatch(setup.images, share.indices, augment);
    return { ...replica.gradients(batch, share.indices.length), count: share.indices.length };
  }

  /**
   * Shared-memory variant for worker replicas: gradients go into this replica's slot of a
   * SharedArrayBuffer (slot i = values [i*P, (i+1)*P)), and every replica averages the slots
   * itself, so no gradient array is copied between threads.
   */
  gradientsToSlot(task: { share: BatchShare; slots: Float32Array; slot: number }): {
    loss: number;
    count: number;
  } {
    const r = this.gradients(task.share);
    task.slots.set(r.grads, task.slot * r.grads.length);
    return { loss: r.loss, count: r.count };
  }

  applyFromSlots(task: { slots: Float32Array; weights: number[] }): void {
    const size = task.slots.length / task.weights.length;
    const avg = new Float32Array(size);
    task.weights.forEach((w, slot) => {
      if (w === 0) return;
      const src = task.slots.subarray(slot * size, (slot + 1) * size);
      for (let i = 0; i < size; i++) avg[i]! += src[i]! * w;
    });
    this.apply(avg);
  }

  apply(grads: Float32Array): void {
    this.ready().replica.applyGradients(grads);
  }

  scores(indices: number[]): Float32Array {
    const { replica, setup } = this.ready();
    const out = new Float32Array(indices.length);
    // Evaluate in modest chunks to bound memory on big validation sets.
    for (let i = 0; i < indices.length; i += 32) {
      const chunk = indices.slice(i, i + 32);
      out.set(replica.evaluate(gatherBatch(setup.images, chunk), chunk.length).scores, i);
    }
    return out;
  }

  parameters(): Float32Array {
    return this.ready().replica.parameters();
  }

  dispose(): void {
    this.replica?.dispose();
    this.replica = undefined;
  }
}

export class LocalReplicaGroup implements ReplicaGroup {
  readonly size = 1;
  private readonly host = new ReplicaHost();

  init(setup: ReplicaSetup): Promise<void> {
    return this.host.init(setup);
  }

  async step(shares: BatchShare[]): Promise<number> {
    const results = shares.map((s) => this.host.gradients(s));
    this.host.apply(averageGradients(results));
    return results.reduce((a, r) => a + r.loss * r.count, 0) / results.reduce((a, r) => a + r.count, 0);
  }

  async scores(indices: number[]): Promise<Float32Array> {
    return this.host.scores(indices);
  }

  async parameters(): Promise<Float32Array> {
    return this.host.parameters();
  }

  async close(): Promise<void> {
    this.host.dispose();
  }
}

export class WorkerReplicaGroup implements ReplicaGroup {
  private readonly pools: WorkerPool[];

  constructor(
    readonly size: number,
    log: Logger,
  ) {
    const script = workerScript(import.meta.url, 'replica-worker');
    this.pools = Array.from(
      { length: size },
      (_, i) => new WorkerPool({ script, size: 1, name: `training-${i}` }, log),
    );
  }

  private slots?: Float32Array;

  async init(setup: ReplicaSetup): Promise<void> {
    // The images are in a SharedArrayBuffer (see loadImageSet), and so are the gradient slots:
    // every worker reads the same memory, nothing large is copied per step.
    this.slots ??= new Float32Array(new SharedArrayBuffer(setup.params.length * this.size * 4));
    await Promise.all(this.pools.map((p) => p.run('init', setup)));
  }

  async step(shares: BatchShare[]): Promise<number> {
    if (shares.length > this.size) throw new Error(`${shares.length} shares for ${this.size} replicas`);
    const slots = this.slots!;
    const results = await Promise.all(
      shares.map((share, slot) =>
        this.pools[slot]!.run<{ loss: number; count: number }>('gradientsToSlot', { share, slots, slot }),
      ),
    );
    const total = results.reduce((n, r) => n + r.count, 0);
    const weights = Array.from({ length: this.size }, (_, i) => (results[i] ? results[i].count / total : 0));
    await Promise.all(this.pools.map((p) => p.run('applyFromSlots', { slots, weights })));
    return results.reduce((a, r) => a + r.loss * r.count, 0) / total;
  }

  async scores(indices: number[]): Promise<Float32Array> {
    const parts = splitBatch(indices, this.size);
    const results = await Promise.all(
      parts.map((part, i) => this.pools[i]!.run<Float32Array>('scores', part)),
    );
    const out = new Float32Array(indices.length);
    let offset = 0;
    for (const r of results) {
      out.set(r, offset);
      offset += r.length;
    }
    return out;
  }

  parameters(): Promise<Float32Array> {
    return this.pools[0]!.run<Float32Array>('parameters', null);
  }

  async close(): Promise<void> {
    await Promise.all(this.pools.map((p) => p.close()));
  }
}
