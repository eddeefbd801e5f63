/**
 * Data-parallel training over one or more replicas of the model. Each step splits the batch across
 * the replicas; each writes its share's mean gradient into its slot of shared memory; then each
 * replica runs Adam on its own range of the parameters (adam.ts), averaging the slots as it goes.
 * The weights exist once, in shared memory; a replica copies them in before its next pass.
 * `LocalReplicaGroup` runs one replica in the calling thread (tests, tiny jobs); `WorkerReplicaGroup`
 * runs one per worker thread, which is how the service trains on every core.
 */
import { WorkerPool, workerScript } from '../jobs/worker-pool.js';
import type { Logger } from '../logging/logger.js';
import {
  createSharedTrainingState,
  parameterRanges,
  resetTrainingState,
  type SharedTrainingState,
} from './adam.js';
import type { AugmentOptions, ImageSet } from './batches.js';
import type { CaeArchitecture } from './cae-architecture.js';
import { ReplicaHost, type BatchShare, type ReplicaSetup, type WeightsVersion } from './replica-host.js';

export type { BatchShare } from './replica-host.js';

export interface GroupSetup {
  arch: CaeArchitecture;
  /** Starting weights (flat, parameter-spec order); Adam starts from zero moments. */
  params: Float32Array;
  learningRate: number;
  images: ImageSet;
  augment: AugmentOptions | null;
}

export interface ReplicaGroup {
  readonly size: number;
  init(setup: GroupSetup): Promise<void>;
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

/** How the group reaches one replica: in this thread, or in a worker. */
interface ReplicaChannel {
  init(setup: ReplicaSetup & WeightsVersion): Promise<void>;
  gradientsToSlot(
    task: Parameters<ReplicaHost['gradientsToSlot']>[0],
  ): Promise<{ loss: number; count: number }>;
  adamRange(task: Parameters<ReplicaHost['adamRange']>[0]): Promise<void>;
  scores(task: Parameters<ReplicaHost['scores']>[0]): Promise<Float32Array>;
  close(): Promise<void>;
}

class DataParallelGroup implements ReplicaGroup {
  private state?: SharedTrainingState;
  /** Bumped whenever the shared weights change; replicas compare it with the one they hold. */
  private version = 0;
  private adamStep = 0;

  constructor(private readonly channels: ReplicaChannel[]) {}

  get size(): number {
    return this.channels.length;
  }

  async init(setup: GroupSetup): Promise<void> {
    if (this.state && this.state.weights.length === setup.params.length)
      resetTrainingState(this.state, setup.params);
    else this.state = createSharedTrainingState(setup.params, this.size);
    this.adamStep = 0;
    this.version++;
    const { params: _initial, ...rest } = setup;
    await Promise.all(
      this.channels.map((c) => c.init({ ...rest, state: this.state!, version: this.version })),
    );
  }

  async step(shares: BatchShare[]): Promise<number> {
    if (shares.length > this.size) throw new Error(`${shares.length} shares for ${this.size} replicas`);
    const state = this.ready();
    const version = this.version;
    const results = await Promise.all(
      shares.map((share, slot) => this.channels[slot]!.gradientsToSlot({ share, slot, version })),
    );
    const total = results.reduce((n, r) => n + r.count, 0);
    const slotWeights = Array.from({ length: this.size }, (_, i) =>
      results[i] ? results[i].count / total : 0,
    );
    const step = ++this.adamStep;
    const ranges = parameterRanges(state.weights.length, this.size);
    await Promise.all(this.channels.map((c, i) => c.adamRange({ range: ranges[i]!, slotWeights, step })));
    this.version++;
    return results.reduce((a, r) => a + r.loss * r.count, 0) / total;
  }

  async scores(indices: number[]): Promise<Float32Array> {
    const parts = splitBatch(indices, this.size);
    const version = this.version;
    const results = await Promise.all(
      parts.map((part, i) => this.channels[i]!.scores({ indices: part, version })),
    );
    const out = new Float32Array(indices.length);
    let offset = 0;
    for (const r of results) {
      out.set(r, offset);
      offset += r.length;
    }
    return out;
  }

  async parameters(): Promise<Float32Array> {
    return Float32Array.from(this.ready().weights);
  }

  async close(): Promise<void> {
    await Promise.all(this.channels.map((c) => c.close()));
  }

  private ready(): SharedTrainingState {
    if (!this.state) throw new Error('replica group used before init');
    return this.state;
  }
}

function inThreadChannel(): ReplicaChannel {
  const host = new ReplicaHost();
  return {
    init: (setup) => host.init(setup),
    gradientsToSlot: async (task) => host.gradientsToSlot(task),
    adamRange: async (task) => host.adamRange(task),
    scores: async (task) => host.scores(task),
    close: async () => host.dispose(),
  };
}

function workerChannel(pool: WorkerPool): ReplicaChannel {
  return {
    init: (setup) => pool.run('init', setup),
    gradientsToSlot: (task) => pool.run('gradientsToSlot', task),
    adamRange: (task) => pool.run('adamRange', task),
    scores: (task) => pool.run('scores', task),
    close: () => pool.close(),
  };
}

/** One replica in the calling thread. */
export class LocalReplicaGroup extends DataParallelGroup {
  constructor() {
    super([inThreadChannel()]);
  }
}

/** One replica per worker thread. */
export class WorkerReplicaGroup extends DataParallelGroup {
  constructor(size: number, log: Logger) {
    const script = workerScript(import.meta.url, 'replica-worker');
    super(
      Array.from({ length: size }, (_, i) =>
        workerChannel(new WorkerPool({ script, size: 1, name: `training-${i}` }, log)),
      ),
    );
  }
}
