/**
 * The `training.run` job: load the dataset's normal (and abnormal) images, train on every
 * configured worker thread, calibrate the threshold on held-out normal images, export to ONNX,
 * check the export in onnxruntime against tfjs, store `models/{id}/` and register the model.
 * Progress (stage, epoch, losses, ETA) goes to the job, the training row and the live hub.
 */
import { AppError, isAppError } from '../errors/app-error.js';
import { newId } from '../db/ids.js';
import type { JobContext, JobDefinition } from '../jobs/job-registry.js';
import { PermanentJobError } from '../jobs/job-registry.js';
import type { Logger } from '../logging/logger.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { DatasetService } from '../datasets/dataset-service.js';
import type { CameraService } from '../edges/camera-service.js';
import type { DomainEventBus } from '../app/domain-events.js';
import { VERSION } from '../app/version.js';
import { gatherBatch } from './batches.js';
import { unflattenParameters } from './cae-parameters.js';
import { calibrateModel } from './calibrate-model.js';
import { exportCaeToOnnx } from './onnx-export.js';
import { validateOnnxExport } from './onnx-validate.js';
import { loadImageSet } from './preprocess.js';
import { WorkerReplicaGroup, LocalReplicaGroup, type ReplicaGroup } from './replica-group.js';
import { nativeKernels } from '../ml/native-kernels.js';
import { trainCae } from './trainer.js';
import { buildMetadata, nextVersion, scoreDefinition, storeModelPackage } from './model-package.js';
import { checkStoredModel } from '../models/model-package-check.js';
import { TRAINING_JOB, type TrainingJobParams, type TrainingProgressHub } from './training-service.js';
import type { TrainingRepository } from './training-repository.js';
import type { ModelRepository } from '../models/model-repository.js';

export interface TrainingJobDeps {
  repo: TrainingRepository;
  /** The trained model is registered in the models table, which ModelRepository owns. */
  models: ModelRepository;
  datasets: DatasetService;
  cameras: CameraService;
  blobs: BlobStore;
  bus: DomainEventBus;
  hub: TrainingProgressHub;
  minNormalImages: number;
  log: Logger;
}

const VALIDATION_IMAGES = 8;
/** A quarter of the normal sharpness lost scores 1 (normal frames vary by under 10 %). */
const BLUR_DROP = 0.25;

export function trainingJob(deps: TrainingJobDeps): JobDefinition<{ trainingJobId: string }> {
  return {
    type: TRAINING_JOB,
    maxAttempts: 1,
    handler: async (ctx) => {
      const id = ctx.payload.trainingJobId;
      try {
        return await runTraining(deps, id, ctx);
      } catch (err) {
        const cancelled = ctx.signal.aborted || (isAppError(err) && err.code === 'cancelled');
        await deps.repo.update(id, {
          status: cancelled ? 'cancelled' : 'failed',
          error: (err as Error).message,
          finished_at: Date.now(),
        });
        deps.hub.publish(id, {
          type: 'done',
          data: { status: cancelled ? 'cancelled' : 'failed', error: (err as Error).message },
        });
        await restoreReadiness(deps, id);
        if (isAppError(err) && err.code !== 'unavailable')
          throw new PermanentJobError(err.message, { cause: err });
        throw err;
      }
    },
  };
}

/** After a training: back to model_deployed when the camera runs a model (a retraining), else ready. */
async function restoreReadiness(deps: TrainingJobDeps, id: string): Promise<void> {
  const row = await deps.repo.get(id);
  if (!row) return;
  const params = JSON.parse(row.params) as TrainingJobParams;
  const to = params.retraining ? 'model_deployed' : 'ready_for_training';
  await deps.cameras.setReadiness(row.camera_id, to).catch(() => undefined);
}

async function runTraining(deps: TrainingJobDeps, id: string, ctx: JobContext<{ trainingJobId: string }>) {
  const row = await deps.repo.get(id);
  if (!row) throw new AppError('not_found', `training job ${id} does not exist`);
  if (row.status === 'cancelled') return { skipped: 'cancelled before it started' };
  const params = JSON.parse(row.params) as TrainingJobParams;
  const stage = async (name: string, extra: Record<string, unknown> = {}) => {
    const progress = { stage: name, ...extra };
    await deps.repo.update(id, { progress: JSON.stringify(progress) });
    ctx.reportProgress({ message: name, ...extra });
    deps.hub.publish(id, { type: 'stage', data: progress });
  };
  await deps.repo.clearEpochs(id);
  // A camera that runs a model keeps it while it retrains; remember where to go back to.
  const retraining = (await deps.cameras.get(row.camera_id)).readiness === 'model_deployed';
  await deps.repo.update(id, {
    status: 'running',
    started_at: Date.now(),
    error: null,
    params: JSON.stringify({ ...params, retraining }),
  });
  await deps.cameras.setReadiness(row.camera_id, 'training');

  // In capture order: the newest images are held out (trainer.ts says why).
  const normalRows = (await deps.datasets.snapshots(row.dataset_id, 'normal')).sort(
    (a, b) => (a.captured_at ?? a.created_at) - (b.captured_at ?? b.created_at),
  );
  if (normalRows.length < deps.minNormalImages) {
    throw new AppError(
      'not_enough_data',
      `dataset ${row.dataset_id} has ${normalRows.length} normal images; training needs at least ${deps.minNormalImages}`,
    );
  }
  const abnormalRows = (await deps.datasets.snapshots(row.dataset_id)).filter(
    (s) => s.label === 'abnormal' || s.label === 'threat',
  );
  const size = { width: params.arch.inputWidth, height: params.arch.inputHeight };
  await stage('loading', { images: normalRows.length });
  const images = await loadImageSet(
    normalRows.length,
    (i) => deps.datasets.readSnapshot(normalRows[i]!),
    size,
  );
  const abnormal = await loadImageSet(
    abnormalRows.length,
    (i) => deps.datasets.readSnapshot(abnormalRows[i]!),
    size,
  );

  const group: ReplicaGroup =
    params.workers > 1 ? new WorkerReplicaGroup(params.workers, deps.log) : new LocalReplicaGroup();
  const kernels = nativeKernels();
  // Operators should see why a training is ~3x slower than it could be (see README, Requirements).
  deps.log[kernels.kernels ? 'info' : 'warn'](
    { jobId: id, workers: params.workers, nativeKernels: kernels.reason },
    kernels.kernels ? 'training on native (OpenBLAS) kernels' : 'training on wasm kernels only',
  );
  let result;
  try {
    await stage('training', { epoch: 0, epochs: params.epochs });
    result = await trainCae(images, params, group, {
      signal: ctx.signal,
      onEpoch: (r) => {
        void deps.repo.addEpoch(id, r);
        const progress = { stage: 'training', ...r };
        void deps.repo.update(id, { progress: JSON.stringify(progress) });
        ctx.reportProgress({ fraction: r.epoch / r.epochs, message: `epoch ${r.epoch}/${r.epochs}`, ...r });
        deps.hub.publish(id, { type: 'epoch', data: r });
      },
    });
  } finally {
    await group.close();
  }

  await stage('calibrating');
  const named = unflattenParameters(params.arch, result.params);
  const fitted = await calibrateModel({
    arch: params.arch,
    params: named,
    normal: images,
    validationIndices: result.validationIndices,
    abnormal,
    rule: params.threshold,
    margin: params.thresholdMargin ?? 1,
    blurDrop: BLUR_DROP,
  });
  const calibration = fitted.threshold;

  await stage('exporting');
  const modelId = newId();
  const version = nextVersion(await deps.models.cameraModelVersions(row.camera_id));
  const onnx = exportCaeToOnnx(params.arch, named, {
    producerVersion: VERSION,
    metadata: {
      model_id: modelId,
      camera_id: row.camera_id,
      version,
      threshold: String(calibration.threshold),
      score: scoreDefinition(fitted.score).description,
    },
    calibration: fitted.score,
  });
  const sample = result.validationIndices.slice(0, VALIDATION_IMAGES);
  const check = await validateOnnxExport(
    onnx,
    params.arch,
    named,
    gatherBatch(images, sample),
    sample.length,
    fitted.score,
  );
  if (!check.passed) {
    throw new AppError(
      'model_export_invalid',
      `ONNX export differs from tfjs by ${check.maxAbsDiff} (tolerance ${check.tolerance})`,
    );
  }
  const metrics = {
    epochsRun: result.history.length,
    bestEpoch: result.bestEpoch,
    stoppedEarly: result.stoppedEarly,
    finalTrainLoss: result.history.at(-1)?.trainLoss ?? null,
    bestValLoss: Math.min(...result.history.map((h) => h.valLoss)),
    trainImages: result.trainIndices.length,
    validationImages: result.validationIndices.length,
    abnormalImages: abnormal.count,
    trainingSeconds: result.history.reduce((s, h) => s + h.seconds, 0),
    calibration,
    exportMaxAbsDiff: check.maxAbsDiff,
  };
  const metadata = buildMetadata({
    model_id: modelId,
    version,
    camera_id: row.camera_id,
    framework: `tfjs-wasm ${VERSION}`,
    architecture: params.arch,
    threshold: calibration.threshold,
    threshold_rule: { ...calibration.rule, source: calibration.source, margin: calibration.margin },
    score_definition: scoreDefinition(fitted.score),
    dataset_id: row.dataset_id,
    training_job_id: id,
    trained_at: new Date().toISOString(),
    metrics,
    export_validation: check,
    onnx,
  });
  await stage('storing');
  await storeModelPackage(deps.blobs, metadata, onnx);
  // The same registration check every catalog entry passes (files agree, onnxruntime loads it).
  await checkStoredModel(deps.blobs, modelId);
  await deps.models.insertModel({
    id: modelId,
    camera_id: row.camera_id,
    kind: 'cae',
    name: `cae-${row.camera_id}`,
    version,
    opset: metadata.opset,
    input_shape: JSON.stringify(metadata.input.shape),
    size: metadata.size,
    sha256: metadata.sha256,
    threshold: calibration.threshold,
    dataset_id: row.dataset_id,
    training_job_id: id,
    metrics: JSON.stringify(metrics),
    metadata: JSON.stringify(metadata),
    status: 'ready',
    created_at: Date.now(),
  });
  await deps.repo.update(id, {
    status: 'succeeded',
    metrics: JSON.stringify(metrics),
    model_id: modelId,
    finished_at: Date.now(),
    progress: JSON.stringify({ stage: 'done' }),
  });
  await restoreReadiness(deps, id);
  deps.bus.publish('model.trained', { modelId, cameraId: row.camera_id, trainingJobId: id, retraining });
  deps.hub.publish(id, {
    type: 'done',
    data: { status: 'succeeded', modelId, version, threshold: calibration.threshold },
  });
  return { modelId, version, threshold: calibration.threshold };
}
