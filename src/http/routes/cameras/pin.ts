import { Type } from '@sinclair/typebox';
import { actor, IdParams, responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';

export function pinCameraRoute(app: TypedApp, deps: RouteDeps): void {
  app.put(
    '/api/v1/cameras/:id/pin',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['models'],
        summary: 'Pin (or unpin) a camera to the model it runs: newer deployments pass it by',
        params: IdParams,
        body: Type.Object({ pinned: Type.Boolean() }, { additionalProperties: false }),
        response: responses({ 204: Type.Null(), 409: Type.Ref('ErrorBody') }),
      },
    },
    async (request, reply) => {
      await deps.models.deployments.setPinned(
        request.params.id,
        request.body.pinned,
        actor(request.principal),
      );
      return reply.code(204).send(null);
    },
  );
}
