import { Type } from '@sinclair/typebox';
import { actor, IdParams, responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';

export function deleteModelRoute(app: TypedApp, deps: RouteDeps): void {
  app.delete(
    '/api/v1/models/:id',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['models'],
        summary: 'Delete a version (refused while deployed)',
        params: IdParams,
        response: responses({ 204: Type.Null(), 409: Type.Ref('ErrorBody') }),
      },
    },
    async (request, reply) => {
      await deps.models.catalog.delete(request.params.id, actor(request.principal));
      return reply.code(204).send(null);
    },
  );
}
