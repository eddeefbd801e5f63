import type { JobDefinition } from '../jobs/job-registry.js';
import type { JobType } from '../jobs/job-types.js';
import type { HealthService } from './health-service.js';

export const HEALTH_JOB = 'health.evaluate' satisfies JobType;

/** `health.evaluate` (every minute): edge and camera health, transitions recorded. */
export function healthJob(health: HealthService): JobDefinition {
  return { type: HEALTH_JOB, maxAttempts: 1, handler: async () => (await health.evaluate()).status };
}
