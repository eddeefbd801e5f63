/**
 * Health reasons about a camera's model: failing on the edge, rolled back recently, or a local
 * trigger rate far from the level it had when it was activated (the camera's usual).
 */
import type { CameraHealthCheck, Reason, Status } from '../health/health-service.js';
import type { AssignmentService } from './assignment-service.js';
import type { ModelRepository } from './model-repository.js';

const DAY = 86_400_000;

export interface ModelHealthSettings {
  /** Current/usual trigger rate beyond this factor (either way) is "far from usual". */
  triggerRateFactor: number;
  /** Rates (per hour) below this are too low to judge. */
  minTriggerRatePerHour: number;
}

export function modelHealthCheck(
  repo: ModelRepository,
  assignments: AssignmentService,
  s: ModelHealthSettings,
  now: () => number = Date.now,
): CameraHealthCheck {
  return async (cameraId, sample) => {
    const out: [Status, Reason][] = [];
    const history = await repo.history(cameraId);
    const current = await assignments.effective(cameraId);
    const failed = history.find((h) => h.status === 'rolled_back' || h.status === 'failed');
    const rolled = history.find((h) => h.status === 'rolled_back' && h.updated_at > now() - DAY);
    if (!current && failed) {
      // Its model failed and there was no good version to go back to: nothing runs.
      out.push([
        'unhealthy',
        {
          code: 'model_failing',
          message: `no model runs: the last one failed on the edge (${failed.reason ?? 'no reason given'})`,
        },
      ]);
    } else if (rolled)
      out.push([
        'degraded',
        {
          code: 'model_rolled_back',
          message: `a model was rolled back in the last 24 h: ${rolled.reason ?? ''}`.trim(),
        },
      ]);
    const rate = typeof sample?.triggerRatePerHour === 'number' ? sample.triggerRatePerHour : null;
    const usualRow = current ? history.find((h) => h.deployment_id === current.deploymentId) : undefined;
    const usual = usualRow?.health
      ? (JSON.parse(usualRow.health) as { triggerRatePerHour?: number }).triggerRatePerHour
      : undefined;
    if (rate !== null && usual !== undefined) {
      const base = Math.max(usual, s.minTriggerRatePerHour);
      if (
        rate > base * s.triggerRateFactor ||
        (usual >= s.minTriggerRatePerHour && rate < usual / s.triggerRateFactor)
      ) {
        out.push([
          'degraded',
          {
            code: 'trigger_rate_unusual',
            message: `the edge triggers ${rate.toFixed(1)}/h; usual for this model is ${usual.toFixed(1)}/h`,
          },
        ]);
      }
    }
    return out;
  };
}
