import { RECONCILE_JOB, RETENTION_JOB } from '../../../events/retention-jobs.js';
import { responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { JobView } from '../jobs/schemas.js';

/** Runs retention or reconciliation now instead of waiting for the schedule; answers with the job. */
export function runStorageJobRoutes(app: TypedApp, deps: RouteDeps): void {
  for (const [path, type, summary] of [
    [
      '/api/v1/storage/retention',
      RETENTION_JOB,
      'Apply retention now (by age per camera, then by total size)',
    ],
    ['/api/v1/storage/reconcile', RECONCILE_JOB, 'Recompute usage from the buckets now'],
  ] as const) {
    app.post(
      path,
      {
        config: { auth: 'admin' },
        schema: { tags: ['storage'], summary, response: responses({ 202: JobView }) },
      },
      async (_request, reply) => {
        const { job } = await deps.jobs.enqueue(type, {}, { dedupeKey: type });
        return reply.code(202).send(job);
      },
    );
  }
}
