/**
 * Datasets and training, composed: the dataset and import services, the training service, its
 * job and the automation that queues training when a camera is ready.
 */
import path from 'node:path';
import type { Config } from '../config/schema.js';
import type { Db } from '../db/database.js';
import type { DomainEventBus } from '../app/domain-events.js';
import type { EdgesModule } from '../edges/edges-module.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { JobRegistry } from '../jobs/job-registry.js';
import type { Logger } from '../logging/logger.js';
import type { BlobStore } from '../storage/blob-store.js';
import { DatasetRepository } from '../datasets/dataset-repository.js';
import { DatasetService } from '../datasets/dataset-service.js';
import { DatasetImportService } from '../datasets/dataset-import-service.js';
import { TrainingRepository } from './training-repository.js';
import { ModelRepository } from '../models/model-repository.js';
import { TrainingProgressHub, TrainingService, type TrainingJobParams } from './training-service.js';
import { trainingJob } from './training-job.js';
import { TrainingAutomation } from './training-automation.js';
import type { ThresholdRule } from './threshold.js';

export type MlModule = ReturnType<typeof createMlModule>;

export function trainingDefaults(config: Config): TrainingJobParams {
  const t = config.training;
  const threshold: ThresholdRule =
    t.thresholdRule === 'percentile'
      ? { rule: 'percentile', percentile: t.thresholdPercentile }
      : { rule: 'mean_std', k: t.thresholdK };
  return {
    arch: {
      inputWidth: t.inputWidth,
      inputHeight: t.inputHeight,
      channels: t.channels,
      latentDim: t.latentDim,
      kernelSize: 3,
    },
    epochs: t.epochs,
    minSteps: t.minSteps,
    batchSize: t.batchSize,
    learningRate: t.learningRate,
    validationSplit: t.validationSplit,
    patience: t.patience,
    minDelta: t.minDelta,
    seed: 0,
    augment: t.augment ? { brightness: 0.1, contrast: 0.1, shift: 2, noise: 0.01 } : null,
    workers: t.workers,
    threshold,
    thresholdMargin: t.thresholdMargin,
  };
}

export function createMlModule(
  config: Config,
  db: Db,
  blobs: BlobStore,
  registry: JobRegistry,
  queue: JobQueue,
  edges: EdgesModule,
  bus: DomainEventBus,
  log: Logger,
) {
  const repo = new TrainingRepository(db);
  const hub = new TrainingProgressHub();
  const minNormalImages = Math.min(config.cameras.minNormalSnapshots, 10_000);
  const datasets = new DatasetService(
    new DatasetRepository(db),
    edges.cameraRepository,
    blobs,
    bus,
    config.datasets,
  );
  registry.register(
    trainingJob({
      repo,
      models: new ModelRepository(db),
      datasets,
      cameras: edges.cameras,
      blobs,
      bus,
      hub,
      // Training needs at least a handful of images whatever the readiness threshold says.
      minNormalImages: Math.max(4, Math.min(minNormalImages, 10)),
      log: log.child({ component: 'training' }),
    }),
  );
  const imports = new DatasetImportService(
    datasets,
    { ...config.datasets.zip, maxImageBytes: config.datasets.maxImageBytes },
    path.resolve(config.dataDir, 'tmp', 'imports'),
  );
  const training = new TrainingService(repo, datasets, queue, trainingDefaults(config), hub);
  const automation = new TrainingAutomation(
    training,
    datasets,
    edges.cameraRepository,
    minNormalImages,
    log.child({ component: 'training-automation' }),
    config.training.retrainGrowth,
  );
  if (config.training.autoTrain) automation.attach(bus);
  return { datasets, imports, training, automation };
}
