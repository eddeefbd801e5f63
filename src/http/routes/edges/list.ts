import { Type } from '@sinclair/typebox';
import { responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { CameraView, EdgeView } from './schemas.js';

export function listEdgesRoute(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/api/v1/edges',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['edges'],
        summary: 'Edges with status, liveness, certificate and WireGuard state, and their cameras',
        response: responses({
          200: Type.Object({
            items: Type.Array(Type.Intersect([EdgeView, Type.Object({ cameras: Type.Array(CameraView) })])),
          }),
        }),
      },
    },
    async () => {
      const [edges, cameras] = await Promise.all([deps.edges.registry.list(), deps.edges.cameras.list({})]);
      return { items: edges.map((e) => ({ ...e, cameras: cameras.filter((c) => c.edgeId === e.id) })) };
    },
  );
}
