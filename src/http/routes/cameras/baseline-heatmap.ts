import { Type } from '@sinclair/typebox';
import { IdParams } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { renderHeatmap } from '../../../baseline/heatmap.js';

export function baselineHeatmapRoute(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/api/v1/cameras/:id/baseline/heatmap.png',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['cameras'],
        summary:
          'Where objects normally are: the occupancy grid and static objects over a recent snapshot (PNG)',
        params: IdParams,
        querystring: Type.Object(
          { label: Type.Optional(Type.String({ maxLength: 40, description: 'one class, e.g. person' })) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const baseline = await deps.baseline.get(request.params.id);
      const png = await renderHeatmap(
        await deps.baseline.representativeSnapshot(request.params.id),
        baseline,
        request.query.label,
      );
      return reply.type('image/png').send(png);
    },
  );
}
