import { Type } from '@sinclair/typebox';
import { actor, IdParams, responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';

export function rollbackDeploymentRoute(app: TypedApp, deps: RouteDeps): void {
  app.post(
    '/api/v1/deployments/:id/rollback',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['models'],
        summary: 'Roll every camera of the deployment back to its last good version (a new deployment each)',
        params: IdParams,
        body: Type.Optional(
          Type.Object(
            { reason: Type.Optional(Type.String({ maxLength: 500 })) },
            { additionalProperties: false },
          ),
        ),
        response: responses({ 200: Type.Object({ cameras: Type.Array(Type.String()) }) }),
      },
    },
    async (request) =>
      deps.models.deployments.rollbackDeployment(
        request.params.id,
        actor(request.principal),
        request.body?.reason ?? 'manual rollback',
      ),
  );
}
