import type { JobDefinition } from '../jobs/job-registry.js';
import type { Logger } from '../logging/logger.js';
import type { BlobStore } from '../storage/blob-store.js';
import { cameraBucket } from '../storage/keys.js';
import type { EventQueryService } from './event-query-service.js';
import type { EventRepository } from './event-repository.js';
import type { QuotaService } from './quota-service.js';
import type { StorageUsageRepository } from './storage-usage-repository.js';
import type { JobType } from '../jobs/job-types.js';

export const RETENTION_JOB = 'events.retention' satisfies JobType;
export const RECONCILE_JOB = 'storage.reconcile' satisfies JobType;
const BATCH = 200;

/**
 * Retention: per camera, events older than its retention period go; then, if the whole archive is
 * over `maxTotalBytes`, the oldest events of any camera go until it fits (retention by disk size).
 * Each event is deleted with its objects, from the store first, then from the database.
 */
export function retentionJob(
  events: EventRepository,
  query: EventQueryService,
  quotas: QuotaService,
  usage: StorageUsageRepository,
  settings: { maxTotalBytes?: number },
  log: Logger,
  now: () => number = Date.now,
): JobDefinition<Record<string, never>, { byAge: number; bySize: number }> {
  return {
    type: RETENTION_JOB,
    maxAttempts: 3,
    handler: async (ctx) => {
      let byAge = 0;
      for (const camera of await quotas.all()) {
        const cutoff = now() - camera.retentionDays * 86_400_000;
        for (
          let ids = await events.eventsStartedBefore(camera.cameraId, cutoff, BATCH);
          ids.length > 0;
          ids = await events.eventsStartedBefore(camera.cameraId, cutoff, BATCH)
        ) {
          for (const id of ids) await query.delete(id);
          byAge += ids.length;
          if (ctx.signal.aborted) throw new Error('aborted');
        }
        await quotas.checkWarning(camera.cameraId);
      }
      let bySize = 0;
      if (settings.maxTotalBytes !== undefined) {
        while ((await usage.totalUsedBytes()) > settings.maxTotalBytes) {
          const [oldest] = await events.oldestEvents(1);
          if (!oldest) break;
          await query.delete(oldest);
          bySize++;
          if (ctx.signal.aborted) throw new Error('aborted');
        }
      }
      if (byAge + bySize > 0) log.info({ byAge, bySize }, 'retention deleted old events');
      ctx.reportProgress({ fraction: 1, message: `deleted ${byAge} by age, ${bySize} by total size` });
      return { byAge, bySize };
    },
  };
}

/** Recomputes each camera's usage from what its bucket really holds (drift after crashes or manual edits). */
export function reconcileJob(
  quotas: QuotaService,
  usage: StorageUsageRepository,
  events: EventRepository,
  store: BlobStore,
  bucketPrefix: string,
): JobDefinition<Record<string, never>, { cameras: number }> {
  return {
    type: RECONCILE_JOB,
    maxAttempts: 5,
    handler: async (ctx) => {
      const cameras = await quotas.all();
      for (const [i, camera] of cameras.entries()) {
        // What the store holds, plus what waits in the spool for it.
        let { bytes, count } = await events.unarchived(camera.cameraId);
        for await (const o of store.list(cameraBucket(camera.cameraId, bucketPrefix), 'events/')) {
          bytes += o.size;
          count++;
        }
        await usage.setMeasured(camera.cameraId, bytes, count, Date.now());
        await quotas.checkWarning(camera.cameraId);
        ctx.reportProgress({
          fraction: (i + 1) / cameras.length,
          message: `${i + 1}/${cameras.length} cameras`,
        });
      }
      return { cameras: cameras.length };
    },
  };
}
