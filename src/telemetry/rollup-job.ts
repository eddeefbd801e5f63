import type { JobDefinition } from '../jobs/job-registry.js';
import { rollUp } from './rollup.js';
import type { TelemetryRepository } from './telemetry-repository.js';

export const TELEMETRY_ROLLUP_JOB = 'telemetry.rollup';
const LATE_WINDOW_MS = 2 * 3_600_000;

/**
 * Rolls raw samples of the last two hours up into complete buckets (recomputing a bucket replaces
 * it, so reruns are harmless), then expires raw samples past their retention and rollups past theirs.
 */
export function telemetryRollupJob(
  repo: TelemetryRepository,
  settings: { rollupStepSeconds: number; rawRetentionHours: number; rollupRetentionDays: number },
  now: () => number = Date.now,
): JobDefinition<Record<string, never>, { buckets: number; expiredSamples: number; expiredRollups: number }> {
  return {
    type: TELEMETRY_ROLLUP_JOB,
    maxAttempts: 5,
    handler: async (ctx) => {
      const stepMs = settings.rollupStepSeconds * 1000;
      const until = Math.floor(now() / stepMs) * stepMs; // only complete buckets
      const oldest = await repo.oldestSampleAt();
      let buckets = 0;
      if (oldest !== null) {
        // Earlier buckets were rolled up by earlier runs; the window covers samples that arrive late
        // (an edge uploading its backlog after being offline) for two hours.
        const start = Math.max(Math.floor(oldest / stepMs) * stepMs, until - LATE_WINDOW_MS);
        for (let from = start; from < until; from += LATE_WINDOW_MS) {
          const to = Math.min(until, from + LATE_WINDOW_MS);
          const rows = rollUp(await repo.samplesBetween(from, to), settings.rollupStepSeconds);
          await repo.upsertRollups(rows);
          buckets += rows.length;
          ctx.reportProgress({
            fraction: (to - start) / Math.max(1, until - start),
            message: `${buckets} buckets`,
          });
        }
      }
      const expiredSamples = await repo.deleteSamplesBefore(
        Math.min(until, now() - settings.rawRetentionHours * 3_600_000),
      );
      const expiredRollups = await repo.deleteRollupsBefore(
        now() - settings.rollupRetentionDays * 86_400_000,
      );
      return { buckets, expiredSamples, expiredRollups };
    },
  };
}
