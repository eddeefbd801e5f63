import { Type } from '@sinclair/typebox';
import { IdParams, responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { EdgeView } from './schemas.js';

export function revokeEdgeRoute(app: TypedApp, deps: RouteDeps): void {
  app.post(
    '/api/v1/edges/:id/revoke',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['edges'],
        summary:
          'Revoke an edge: its next call fails, its connections are closed and its WireGuard peer removed',
        params: IdParams,
        body: Type.Optional(
          Type.Object(
            { reason: Type.Optional(Type.String({ maxLength: 500 })) },
            { additionalProperties: false },
          ),
        ),
        response: responses({ 200: EdgeView }),
      },
    },
    async (request) => deps.edges.registry.revoke(request.params.id, request.body?.reason ?? null),
  );
}
