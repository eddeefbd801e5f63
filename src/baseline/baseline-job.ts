import type { JobDefinition } from '../jobs/job-registry.js';
import { BASELINE_JOB, type BaselineService } from './baseline-service.js';

/** `baseline.build`: a full rebuild or an incremental update of one camera's baseline, with progress. */
export function baselineJob(
  service: BaselineService,
): JobDefinition<{ cameraId: string; mode: 'full' | 'incremental' }> {
  return {
    type: BASELINE_JOB,
    maxAttempts: 3,
    handler: async (ctx) =>
      service.build(
        ctx.payload.cameraId,
        ctx.payload.mode,
        (done, total) =>
          ctx.reportProgress({
            fraction: done / total,
            message: `detected ${done} of ${total} new snapshots`,
          }),
        ctx.signal,
      ),
  };
}
