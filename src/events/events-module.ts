import path from 'node:path';
import type { Config } from '../config/schema.js';
import type { Db } from '../db/database.js';
import type { CameraAccess } from '../edges/camera-access.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { JobRegistry } from '../jobs/job-registry.js';
import type { Logger } from '../logging/logger.js';
import type { BlobStore } from '../storage/blob-store.js';
import { AgeEncryptor } from './age-encryptor.js';
import { archiveJob } from './archive-job.js';
import { ClipUploadService } from './clip-upload-service.js';
import { EventIngestService } from './event-ingest-service.js';
import { EventQueryService } from './event-query-service.js';
import { EventRepository } from './event-repository.js';
import { Spool } from './spool.js';

export type EventsModule = ReturnType<typeof createEventsModule>;

/** Event ingest, the encrypted archive and owners' reads. Registers its job before the queue is used. */
export function createEventsModule(
  config: Config,
  db: Db,
  store: BlobStore,
  registry: JobRegistry,
  log: Logger,
) {
  const repository = new EventRepository(db);
  const spool = new Spool(path.resolve(config.dataDir, config.archive.spoolDir));
  registry.register(archiveJob(repository, store, spool, log.child({ component: 'archive' })));
  const query = new EventQueryService(repository, store, spool);
  return {
    repository,
    query,
    /** Needs the queue and camera access, which exist later in composition. */
    clips(queue: JobQueue, access: CameraAccess): ClipUploadService {
      return new ClipUploadService(
        repository,
        access,
        queue,
        path.resolve(config.dataDir, config.archive.spoolDir),
        { maxClipBytes: config.archive.maxClipBytes },
        log.child({ component: 'clips' }),
      );
    },
    ingest(queue: JobQueue, access: CameraAccess): EventIngestService {
      return new EventIngestService(
        db,
        repository,
        access,
        new AgeEncryptor(config.archive.recipients),
        spool,
        queue,
        {
          maxFrameBytes: config.archive.maxFrameBytes,
          maxFrameWidth: config.archive.maxFrameWidth,
          maxFrameHeight: config.archive.maxFrameHeight,
          maxFramesPerEvent: config.archive.maxFramesPerEvent,
          maxEventAgeHours: config.archive.maxEventAgeHours,
          maxClockSkewSeconds: config.archive.maxClockSkewSeconds,
          bucketPrefix: config.storage.s3?.bucketPrefix ?? '',
        },
        log.child({ component: 'ingest' }),
      );
    },
  };
}
