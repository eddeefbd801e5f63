import type { JobDefinition } from '../jobs/job-registry.js';
import { rollUp } from './rollup.js';
import type { RollupRepository } from './rollup-repository.js';
import type { TelemetryRepository } from './telemetry-repository.js';
import type { JobType } from '../jobs/job-types.js';

export const TELEMETRY_ROLLUP_JOB = 'telemetry.rollup' satisfies JobType;
/** Samples rolled up per transaction on a first run over a long history (progress between them). */
const CHUNK_MS = 3_600_000;

/**
 * Rolls raw samples up into complete buckets: the samples after the watermark of the last run, then
 * the buckets late samples touched (an edge uploading its backlog after being offline). Recomputing a
 * bucket replaces it, so reruns are harmless. Then expires raw samples and buckets past retention.
 */
export function telemetryRollupJob(
  repos: { samples: TelemetryRepository; rollups: RollupRepository },
  settings: { rollupStepSeconds: number; rawRetentionHours: number; rollupRetentionDays: number },
  now: () => number = Date.now,
): JobDefinition<
  Record<string, never>,
  { buckets: number; lateBuckets: number; expiredSamples: number; expiredRollups: number }
> {
  const step = settings.rollupStepSeconds;
  const stepMs = step * 1000;
  return {
    type: TELEMETRY_ROLLUP_JOB,
    maxAttempts: 5,
    handler: async (ctx) => {
      const until = Math.floor(now() / stepMs) * stepMs; // only complete buckets
      let from = await repos.rollups.inTransaction((tx) => tx.rolledUntil(step));
      if (from === null) {
        const oldest = await repos.samples.oldestSampleAt();
        from = oldest === null ? until : Math.floor(oldest / stepMs) * stepMs;
      }
      const start = from;
      let buckets = 0;
      while (from < until) {
        const to = Math.min(until, from + CHUNK_MS);
        const chunkFrom = from;
        buckets += await repos.rollups.inTransaction(async (tx) => {
          const rows = rollUp(await tx.samples(chunkFrom, to), step);
          await tx.upsertBuckets(step, rows);
          await tx.setRolledUntil(step, to);
          return rows.length;
        });
        from = to;
        ctx.reportProgress({
          fraction: (to - start) / Math.max(1, until - start),
          message: `${buckets} buckets`,
        });
      }
      if (start >= until) await repos.rollups.inTransaction((tx) => tx.setRolledUntil(step, until));
      const lateBuckets = await repos.rollups.inTransaction(async (tx) => {
        const dirty = await tx.takeDirty(until);
        for (const d of dirty)
          await tx.upsertBuckets(
            step,
            rollUp(await tx.samples(d.bucketStart, d.bucketStart + stepMs, d.seriesId), step),
          );
        return dirty.length;
      });
      const expiredSamples = await repos.samples.deleteSamplesBefore(
        Math.min(until, now() - settings.rawRetentionHours * 3_600_000),
      );
      const expiredRollups = await repos.rollups.deleteBucketsBefore(
        now() - settings.rollupRetentionDays * 86_400_000,
      );
      return { buckets, lateBuckets, expiredSamples, expiredRollups };
    },
  };
}
