import { Type } from '@sinclair/typebox';
import { IdParams, responses, StringEnum } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';

export function rebuildBaselineRoute(app: TypedApp, deps: RouteDeps): void {
  app.post(
    '/api/v1/cameras/:id/baseline',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['cameras'],
        summary:
          'Rebuild the baseline (full) or update it with new snapshots only (incremental); answers the queued job',
        params: IdParams,
        body: Type.Object(
          { mode: StringEnum(['full', 'incremental'] as const) },
          { additionalProperties: false },
        ),
        response: responses({ 202: Type.Object({ jobId: Type.String(), status: Type.String() }) }),
      },
    },
    async (request, reply) => {
      await deps.edges.cameras.get(request.params.id);
      const job = await deps.baseline.requestBuild(request.params.id, request.body.mode);
      return reply.code(202).send({ jobId: job.id, status: job.status });
    },
  );
}
