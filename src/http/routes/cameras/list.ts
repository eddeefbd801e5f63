import { Type } from '@sinclair/typebox';
import { responses, StringEnum } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { CameraView } from '../edges/schemas.js';

const Query = Type.Object(
  {
    edgeId: Type.Optional(Type.String({ maxLength: 100 })),
    readiness: Type.Optional(
      StringEnum(['needs_snapshots', 'ready_for_training', 'training', 'model_deployed'] as const),
    ),
  },
  { additionalProperties: false },
);

export function listCamerasRoute(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/api/v1/cameras',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['cameras'],
        summary: 'Cameras with their readiness',
        querystring: Query,
        response: responses({ 200: Type.Object({ items: Type.Array(CameraView) }) }),
      },
    },
    async (request) => ({ items: await deps.edges.cameras.list(request.query) }),
  );
}
