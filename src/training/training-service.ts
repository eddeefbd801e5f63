/**
 * Training jobs as the API sees them: start one (for a camera's dataset, with the configured
 * defaults and optional overrides), look at it and its loss curve, cancel it, and follow it live
 * (the progress hub feeds the SSE stream). The work itself runs in training-job.ts.
 */
import { EventEmitter } from 'node:events';
import { AppError } from '../errors/app-error.js';
import { newId } from '../db/ids.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { DatasetService } from '../datasets/dataset-service.js';
import type { TrainingRepository, TrainingJobRow } from './training-repository.js';
import { validateArchitecture } from './cae-architecture.js';
import type { TrainingParams } from './trainer.js';
import type { ThresholdRule } from './threshold.js';
import type { JobType } from '../jobs/job-types.js';

export const TRAINING_JOB = 'training.run' satisfies JobType;

export interface TrainingJobParams extends TrainingParams {
  workers: number;
  threshold: ThresholdRule;
  /** Absent in jobs queued before it existed (they used 1). */
  thresholdMargin?: number;
  /** Set when the job starts: the camera already ran a model (it goes back to model_deployed). */
  retraining?: boolean;
}

export type TrainingOverrides = Partial<
  Pick<TrainingJobParams, 'epochs' | 'batchSize' | 'learningRate' | 'seed' | 'patience' | 'workers'>
> & {
  inputWidth?: number;
  inputHeight?: number;
  latentDim?: number;
};

export interface TrainingJobView {
  id: string;
  cameraId: string;
  datasetId: string;
  jobId: string | null;
  status: TrainingJobRow['status'];
  params: TrainingJobParams;
  progress: unknown;
  metrics: unknown;
  modelId: string | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** Live training events for SSE subscribers: `epoch` reports and a final `done`. */
export class TrainingProgressHub {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  publish(trainingJobId: string, event: { type: 'epoch' | 'stage' | 'done'; data: unknown }): void {
    this.emitter.emit(trainingJobId, event);
  }

  subscribe(trainingJobId: string, listener: (event: { type: string; data: unknown }) => void): () => void {
    this.emitter.on(trainingJobId, listener);
    return () => this.emitter.off(trainingJobId, listener);
  }
}

export class TrainingService {
  constructor(
    private readonly repo: TrainingRepository,
    private readonly datasets: DatasetService,
    private readonly queue: JobQueue,
    private readonly defaults: TrainingJobParams,
    readonly hub: TrainingProgressHub,
    private readonly now: () => number = Date.now,
  ) {}

  async start(input: {
    cameraId: string;
    datasetId?: string;
    overrides?: TrainingOverrides;
  }): Promise<TrainingJobView> {
    const dataset = input.datasetId
      ? await this.datasets.require(input.datasetId)
      : await this.datasets.defaultDataset(input.cameraId);
    if (dataset.camera_id !== input.cameraId) {
      throw new AppError(
        'validation_failed',
        `dataset ${dataset.id} belongs to camera ${dataset.camera_id}, not ${input.cameraId}`,
      );
    }
    const active = await this.repo.active(input.cameraId);
    if (active)
      throw new AppError(
        'conflict',
        `camera ${input.cameraId} already has training job ${active.id} (${active.status})`,
      );
    const params = this.resolveParams(input.overrides ?? {});
    const id = newId();
    await this.repo.insert({
      id,
      camera_id: input.cameraId,
      dataset_id: dataset.id,
      job_id: null,
      status: 'queued',
      params: JSON.stringify(params),
      progress: null,
      metrics: null,
      model_id: null,
      error: null,
      created_at: this.now(),
      started_at: null,
      finished_at: null,
    });
    // One attempt: a failed training is reported, not silently retried for minutes.
    const { job } = await this.queue.enqueue(
      TRAINING_JOB,
      { trainingJobId: id },
      { dedupeKey: `training:${input.cameraId}`, maxAttempts: 1 },
    );
    await this.repo.update(id, { job_id: job.id });
    return this.get(id);
  }

  private resolveParams(o: TrainingOverrides): TrainingJobParams {
    const d = this.defaults;
    const arch = validateArchitecture({
      ...d.arch,
      ...(o.inputWidth ? { inputWidth: o.inputWidth } : {}),
      ...(o.inputHeight ? { inputHeight: o.inputHeight } : {}),
      ...(o.latentDim ? { latentDim: o.latentDim } : {}),
    });
    return {
      ...d,
      arch,
      epochs: o.epochs ?? d.epochs,
      // An explicit epoch count is what the caller asked for.
      minSteps: o.epochs ? 0 : d.minSteps,
      batchSize: o.batchSize ?? d.batchSize,
      learningRate: o.learningRate ?? d.learningRate,
      patience: o.patience ?? d.patience,
      workers: o.workers ?? d.workers,
      seed: o.seed ?? Math.floor(Math.random() * 2 ** 31),
    };
  }

  /** Normal images the camera's last successful training used (0 when it has none). */
  async lastTrainedImageCount(cameraId: string): Promise<number> {
    const done = (await this.list({ cameraId, limit: 20 })).find((j) => j.status === 'succeeded');
    const m = (done?.metrics ?? {}) as { trainImages?: number; validationImages?: number };
    return (m.trainImages ?? 0) + (m.validationImages ?? 0);
  }

  async get(id: string): Promise<TrainingJobView> {
    const row = await this.repo.get(id);
    if (!row) throw new AppError('not_found', `training job ${id} does not exist`);
    return toView(row);
  }

  async list(filter: { cameraId?: string; limit?: number }): Promise<TrainingJobView[]> {
    return (await this.repo.list({ ...filter, limit: filter.limit ?? 50 })).map(toView);
  }

  async epochs(id: string) {
    await this.get(id);
    return (await this.repo.epochs(id)).map((e) => ({
      epoch: e.epoch,
      trainLoss: e.train_loss,
      valLoss: e.val_loss,
      seconds: e.seconds,
    }));
  }

  async cancel(id: string): Promise<TrainingJobView> {
    const view = await this.get(id);
    if (view.status !== 'queued' && view.status !== 'running') {
      throw new AppError('conflict', `training job ${id} is already ${view.status}`);
    }
    if (view.jobId) await this.queue.cancel(view.jobId);
    if (view.status === 'queued')
      await this.repo.update(id, {
        status: 'cancelled',
        finished_at: this.now(),
        error: 'cancelled before it started',
      });
    return this.get(id);
  }

  /** Whether the camera has a queued or running training job. */
  async isTraining(cameraId: string): Promise<boolean> {
    return (await this.repo.active(cameraId)) !== undefined;
  }
}

function toView(row: TrainingJobRow): TrainingJobView {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: row.id,
    cameraId: row.camera_id,
    datasetId: row.dataset_id,
    jobId: row.job_id,
    status: row.status,
    params: JSON.parse(row.params) as TrainingJobParams,
    progress: row.progress ? JSON.parse(row.progress) : null,
    metrics: row.metrics ? JSON.parse(row.metrics) : null,
    modelId: row.model_id,
    error: row.error,
    createdAt: new Date(row.created_at).toISOString(),
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
  };
}
