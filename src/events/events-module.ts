import path from 'node:path';
import type { Config } from '../config/schema.js';
import type { Db } from '../db/database.js';
import type { CameraAccess } from '../edges/camera-access.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { JobRegistry } from '../jobs/job-registry.js';
import type { JobScheduler } from '../jobs/job-scheduler.js';
import type { Logger } from '../logging/logger.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { PreparedEvent } from './event-preparation.js';
import { WorkerPool, workerScript } from '../jobs/worker-pool.js';
import { ARCHIVE_JOB, archiveJob } from './archive-job.js';
import { ClipUploadService } from './clip-upload-service.js';
import { EventIngestService } from './event-ingest-service.js';
import { EventQueryService } from './event-query-service.js';
import { EventChangeFeed } from './event-change-feed.js';
import { EventRepository } from './event-repository.js';
import { EventReviewRepository } from './event-review-repository.js';
import { EventReviewService } from './event-review-service.js';
import { Spool } from './spool.js';
import { QuotaService } from './quota-service.js';
import { reconcileJob, RECONCILE_JOB, retentionJob, RETENTION_JOB } from './retention-jobs.js';
import { StorageUsageRepository } from './storage-usage-repository.js';

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
  const reviews = new EventReviewRepository(db);
  const query = new EventQueryService(repository, store, spool, reviews, config.archive.hotCacheEntries);
  const usage = new StorageUsageRepository(db);
  const quotas = new QuotaService(
    usage,
    {
      quotaBytes: config.archive.defaultCameraQuotaBytes,
      retentionDays: config.archive.defaultRetentionDays,
    },
    log.child({ component: 'quota' }),
  );
  const bucketPrefix = config.storage.s3?.bucketPrefix ?? '';
  registry.register(
    retentionJob(
      repository,
      query,
      quotas,
      usage,
      { ...(config.archive.maxTotalBytes ? { maxTotalBytes: config.archive.maxTotalBytes } : {}) },
      log.child({ component: 'retention' }),
    ),
  );
  registry.register(reconcileJob(quotas, usage, repository, store, bucketPrefix));
  // Frame validation, encryption and spooling run in worker threads, started on first use.
  let pool: WorkerPool | undefined;
  const framePool = () =>
    (pool ??= new WorkerPool(
      {
        script: workerScript(import.meta.url, 'ingest-worker'),
        size: config.workers.threads,
        maxQueue: 1000,
        name: 'ingest',
      },
      log.child({ component: 'ingest-workers' }),
    ));
  return {
    repository,
    query,
    reviews: new EventReviewService(reviews),
    /** Which events changed, for live views (the console's SSE stream). */
    changes: new EventChangeFeed(repository),
    quotas,
    /** Retention every retentionIntervalMinutes, reconciliation daily. */
    schedule(scheduler: JobScheduler): void {
      scheduler.every(RETENTION_JOB, config.archive.retentionIntervalMinutes * 60_000);
      scheduler.every(RECONCILE_JOB, 24 * 3_600_000);
    },
    async close(): Promise<void> {
      await pool?.close();
      pool = undefined;
    },
    /** Ingest worker crashes within the window (for self-health); 0 before the pool starts. */
    ingestWorkerCrashes: (windowMs: number) => pool?.recentCrashes(windowMs) ?? 0,
    /** Needs the queue and camera access, which exist later in composition. */
    clips(queue: JobQueue, access: CameraAccess): ClipUploadService {
      return new ClipUploadService(
        repository,
        access,
        queue,
        quotas,
        path.resolve(config.dataDir, config.archive.spoolDir),
        { maxClipBytes: config.archive.maxClipBytes },
        log.child({ component: 'clips' }),
      );
    },
    /**
     * Queues archiving again for every event with objects still in the spool: a stop between an
     * event's commit and its job's enqueue would otherwise leave them there. Returns how many
     * jobs were created (a job already queued is kept).
     */
    async resumeArchiving(queue: JobQueue): Promise<number> {
      let created = 0;
      for (const eventId of await repository.eventsWithUnarchivedObjects())
        if ((await queue.enqueue(ARCHIVE_JOB, { eventId }, { dedupeKey: eventId })).created) created++;
      if (created > 0) log.info({ events: created }, 'resumed archiving interrupted by a stop');
      return created;
    },
    ingest(queue: JobQueue, access: CameraAccess): EventIngestService {
      return new EventIngestService(
        repository,
        access,
        (input) => framePool().run<PreparedEvent>('prepareEvent', input),
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
          recipients: config.archive.recipients,
          spoolRoot: spool.root,
        },
        log.child({ component: 'ingest' }),
      );
    },
  };
}
