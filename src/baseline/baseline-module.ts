/**
 * The baseline capability: its service and job, and (with `baseline.autoUpdate`) rebuilds queued
 * when a camera's normal snapshots change or its baseline was built by another detector.
 */
import type { Config } from '../config/schema.js';
import type { Db } from '../db/database.js';
import type { DomainEventBus } from '../app/domain-events.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { JobRegistry } from '../jobs/job-registry.js';
import type { Logger } from '../logging/logger.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { DetectionService } from '../vision/detection-service.js';
import { cameraDetection } from '../vision/detector-factory.js';
import { baselineJob } from './baseline-job.js';
import { BaselineRepository } from './baseline-repository.js';
import { BaselineService } from './baseline-service.js';

export function createBaselineModule(
  config: Config,
  db: Db,
  blobs: BlobStore,
  registry: JobRegistry,
  queue: JobQueue,
  detection: DetectionService,
  bus: DomainEventBus,
  log: Logger,
): BaselineService {
  const b = config.baseline;
  const service = new BaselineService(
    new BaselineRepository(db),
    blobs,
    detection,
    cameraDetection(config.vision),
    {
      gridCols: b.gridCols,
      gridRows: b.gridRows,
      staticIou: b.staticIou,
      staticPresence: b.staticPresence,
    },
    queue,
  );
  registry.register(baselineJob(service));
  if (b.autoUpdate) {
    bus.subscribe('dataset.updated', ({ cameraId }) => {
      service
        .requestBuild(cameraId, 'incremental')
        .catch((err) => log.warn({ err, cameraId }, 'baseline update could not be queued'));
    });
    service
      .rebuildStale()
      .then((cameras) => {
        if (cameras.length)
          log.info({ cameras }, 'baselines built by another detector or input size: rebuilding');
      })
      .catch((err) => log.warn({ err }, 'stale baselines could not be queued'));
  }
  return service;
}
