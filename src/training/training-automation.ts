/**
 * Queues training on its own: when a camera becomes ready_for_training (enough normal snapshots
 * reported by its edge) or its dataset grows, and its server-side dataset has enough normal
 * images, and nothing is training for it already, a job with the configured defaults is queued.
 *
 * A camera that already has a model retrains when its normal images have grown by
 * `retrainGrowth` since the last successful training (snapshots from more days and hours are the
 * best cure for false triggers); models/retraining-rollout.ts puts the new version on the camera.
 */
import type { DomainEventBus } from '../app/domain-events.js';
import type { CameraRepository } from '../edges/camera-repository.js';
import type { DatasetService } from '../datasets/dataset-service.js';
import type { Logger } from '../logging/logger.js';
import type { TrainingService } from './training-service.js';

export class TrainingAutomation {
  constructor(
    private readonly training: TrainingService,
    private readonly datasets: DatasetService,
    private readonly cameras: CameraRepository,
    private readonly minNormalImages: number,
    private readonly log: Logger,
    /** Retrain a camera with a model once its normal images grew by this share; 0 = never. */
    private readonly retrainGrowth = 0,
  ) {}

  attach(bus: DomainEventBus): void {
    bus.subscribe('camera.readiness_changed', ({ cameraId, to }) => {
      if (to === 'ready_for_training') void this.consider(cameraId);
    });
    bus.subscribe('dataset.updated', ({ cameraId }) => void this.consider(cameraId));
  }

  /** Queues a training job when the camera qualifies; returns its id, or why not. */
  async consider(cameraId: string): Promise<{ queued: string } | { skipped: string }> {
    try {
      const camera = await this.cameras.get(cameraId);
      const retraining = camera?.readiness === 'model_deployed';
      if (!camera || (camera.readiness !== 'ready_for_training' && !retraining))
        return { skipped: 'camera is not ready for training' };
      if (retraining && this.retrainGrowth <= 0) return { skipped: 'retraining is off' };
      if (await this.training.isTraining(cameraId))
        return { skipped: 'a training job is already queued or running' };
      const dataset = await this.datasets.defaultDataset(cameraId);
      const [latest] = await this.training.list({ cameraId, limit: 1 });
      // Without this, finishing a training (which sets the camera back to ready) would queue the next.
      if (latest && Date.parse(latest.createdAt) >= dataset.updated_at)
        return { skipped: 'the dataset has not changed since the last training' };
      const normal = (await this.datasets.snapshots(dataset.id, 'normal')).length;
      if (normal < this.minNormalImages)
        return { skipped: `dataset has ${normal} of ${this.minNormalImages} normal images` };
      if (retraining) {
        const trained = await this.training.lastTrainedImageCount(cameraId);
        const needed = Math.ceil(trained * (1 + this.retrainGrowth));
        if (normal < needed)
          return {
            skipped: `retraining waits for ${needed} normal images (the model has ${trained}, now ${normal})`,
          };
      }
      const job = await this.training.start({ cameraId, datasetId: dataset.id });
      this.log.info(
        { cameraId, trainingJobId: job.id, normalImages: normal, retraining },
        retraining ? 'retraining queued: the normal snapshots grew' : 'training queued automatically',
      );
      return { queued: job.id };
    } catch (err) {
      this.log.warn({ err, cameraId }, 'automatic training could not be queued');
      return { skipped: (err as Error).message };
    }
  }
}
