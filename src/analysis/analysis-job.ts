import { isAppError } from '../errors/app-error.js';
import { PermanentJobError, type JobDefinition } from '../jobs/job-registry.js';
import type { AnalysisRepository } from './analysis-repository.js';
import type { AnalysisService } from './analysis-service.js';
import type { JobType } from '../jobs/job-types.js';

export const ANALYSIS_JOB = 'events.analyze' satisfies JobType;

/** `events.analyze`: one event through the pipeline; retried on transient errors, then marked failed. */
export function analysisJob(
  service: AnalysisService,
  repo: AnalysisRepository,
  /** Called once per event when its analysis ends (for the latency metric). */
  onDone: (eventId: string, outcome: 'analyzed' | 'failed') => void = () => undefined,
): JobDefinition<{ eventId: string }> {
  return {
    type: ANALYSIS_JOB,
    maxAttempts: 3,
    onBuried: async ({ eventId }, reason) => {
      await repo.setStatus(eventId, 'failed', Date.now(), `its analysis was abandoned: ${reason}`);
      await service.frames.remove(eventId);
      onDone(eventId, 'failed');
    },
    handler: async (ctx) => {
      try {
        const report = await service.analyze(ctx.payload.eventId);
        onDone(ctx.payload.eventId, 'analyzed');
        return {
          riskScore: report.risk.score,
          riskLevel: report.risk.level,
          findings: report.findings.map((f) => f.type),
        };
      } catch (err) {
        const last = ctx.attempt >= ctx.maxAttempts || (isAppError(err) && err.code === 'not_found');
        if (last) {
          const event = await repo.getEvent(ctx.payload.eventId);
          if (event && event.analysis_status !== 'failed')
            await repo
              .setStatus(ctx.payload.eventId, 'failed', Date.now(), (err as Error).message)
              .catch(() => undefined);
          await service.frames.remove(ctx.payload.eventId);
          onDone(ctx.payload.eventId, 'failed');
          throw new PermanentJobError((err as Error).message, { cause: err });
        }
        await repo.setStatus(ctx.payload.eventId, 'pending', Date.now()).catch(() => undefined);
        throw err;
      }
    },
  };
}
