import { Type } from '@sinclair/typebox';
import { IdParams, responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';

export function deleteEdgeRoute(app: TypedApp, deps: RouteDeps): void {
  app.delete(
    '/api/v1/edges/:id',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['edges'],
        summary: 'Delete a revoked edge and the data of its cameras (409 while it is active)',
        params: IdParams,
        response: { ...responses({ 204: Type.Null() }), 409: Type.Ref('ErrorBody') },
      },
    },
    async (request, reply) => {
      await deps.edges.registry.delete(request.params.id);
      return reply.code(204).send(null);
    },
  );
}
