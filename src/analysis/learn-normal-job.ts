import type { JobDefinition } from '../jobs/job-registry.js';
import type { BaselineService } from '../baseline/baseline-service.js';
import type { AnalysisService, EventReport } from './analysis-service.js';
import { LEARN_NORMAL_JOB, type LearnNormalPayload } from './normal-frame-service.js';

const summary = (r: Pick<EventReport, 'risk' | 'explanation' | 'findings'>) => ({
  riskScore: r.risk.score,
  riskLevel: r.risk.level,
  explanation: r.explanation,
  findings: r.findings.map((f) => ({ type: f.type, label: f.label ?? null, score: f.score })),
});

/**
 * `events.learn-normal-frame`: after an owner added an event's frame to the camera's normal
 * snapshots, update the baseline (detecting only the new snapshots) and re-score the event against
 * it; the result shows the report before and after.
 */
export function learnNormalJob(
  baselines: BaselineService,
  analysis: AnalysisService,
): JobDefinition<LearnNormalPayload> {
  return {
    type: LEARN_NORMAL_JOB,
    maxAttempts: 3,
    handler: async (ctx) => {
      const { cameraId, eventId, snapshotId } = ctx.payload;
      ctx.reportProgress({ fraction: 0, message: 'updating the baseline with the new normal snapshot' });
      const built = await baselines.build(
        cameraId,
        'incremental',
        (done, total) =>
          ctx.reportProgress({
            fraction: (0.8 * done) / total,
            message: `detected ${done} of ${total} new snapshots`,
          }),
        ctx.signal,
      );
      ctx.reportProgress({
        fraction: 0.9,
        message: `re-scoring event ${eventId} with baseline v${built.version}`,
      });
      const { before, after } = await analysis.rescore(eventId);
      return {
        eventId,
        snapshotId,
        baselineVersion: built.version,
        before: summary(before),
        after: summary(after),
      };
    },
  };
}
