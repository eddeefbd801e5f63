import { Type } from '@sinclair/typebox';
import { IdParams, responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { CameraView, EdgeView } from './schemas.js';

export function getEdgeRoute(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/api/v1/edges/:id',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['edges'],
        summary: 'One edge with its cameras',
        params: IdParams,
        response: responses({
          200: Type.Intersect([EdgeView, Type.Object({ cameras: Type.Array(CameraView) })]),
        }),
      },
    },
    async (request) => {
      const edge = await deps.edges.registry.get(request.params.id);
      return { ...edge, cameras: await deps.edges.cameras.list({ edgeId: edge.id }) };
    },
  );
}
