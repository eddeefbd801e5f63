import fs from 'node:fs';
import type { JobContext, JobDefinition } from '../jobs/job-registry.js';
import type { Logger } from '../logging/logger.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { EventRepository } from './event-repository.js';
import type { Spool } from './spool.js';
import type { JobType } from '../jobs/job-types.js';

export const ARCHIVE_JOB = 'events.archive' satisfies JobType;

/**
 * Moves an event's spooled objects to the object store. The store takes each spooled file with its
 * declared size and sha256 (it verifies them; the filesystem store renames the file into place
 * rather than copying it), the object is marked completed and the spool folder removed once empty.
 * A failure leaves the object pending and its file in the spool, and the job retries with backoff;
 * a crash after the store took a file is recognised by the stored object's size, so nothing is
 * archived twice under different keys.
 */
export function archiveJob(
  events: EventRepository,
  store: BlobStore,
  spool: Spool,
  log: Logger,
): JobDefinition<{ eventId: string }> {
  const oneAtATime = keyedQueue();
  return {
    type: ARCHIVE_JOB,
    // The object store may be down for a long time; keep trying (backoff caps at jobs.backoffMaxMs).
    maxAttempts: 1000,
    // An event's clip is archived by its own job, which may run beside the event's: one at a
    // time per event, so the second finds the first's objects archived instead of racing it for
    // the same spool files.
    handler: (ctx) => oneAtATime(ctx.payload.eventId, () => archive(ctx)),
  };

  async function archive(ctx: JobContext<{ eventId: string }>) {
    const pending = await events.pendingObjects(ctx.payload.eventId);
    const spooled = [];
    for (const object of pending) {
      if (object.spool_path && fs.existsSync(object.spool_path)) {
        spooled.push({ ...object, spool_path: object.spool_path });
        continue;
      }
      // Already in the store from an attempt that crashed before recording it?
      const stat = await store.stat(object.bucket, object.key);
      if (stat && stat.size === object.size) {
        await events.markObject(object, 'completed', { spoolPath: null, error: null });
        continue;
      }
      await events.markObject(object, 'failed', {
        error: 'spooled file is missing and the store does not have the object',
      });
      log.error({ objectId: object.id, key: object.key }, 'archive object lost before upload');
    }
    await events.markObjects(spooled, 'uploading', { attempt: true });
    let done = 0;
    for (const object of spooled) {
      if (ctx.signal.aborted) throw new Error('aborted');
      try {
        // The store takes the spooled file (the filesystem store moves it into place).
        await store.putFile(object.bucket, object.key, object.spool_path, {
          size: object.size,
          sha256: object.sha256,
          contentType: object.kind === 'metadata' ? 'application/json' : 'application/octet-stream',
        });
      } catch (err) {
        await events.markObject(object, 'pending', { error: (err as Error).message });
        throw err;
      }
      await events.markObject(object, 'completed', { spoolPath: null, error: null });
      await spool.remove(object.spool_path);
      ctx.reportProgress({
        fraction: ++done / spooled.length,
        message: `${done}/${spooled.length} objects archived`,
      });
    }
    return { archived: done };
  }
}

/** Runs work for a key only after earlier work for the same key has finished. */
function keyedQueue() {
  const running = new Map<string, Promise<unknown>>();
  return async <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const mine = (running.get(key) ?? Promise.resolve()).catch(() => undefined).then(work);
    running.set(key, mine);
    try {
      return await mine;
    } finally {
      if (running.get(key) === mine) running.delete(key);
    }
  };
}
