import { Type } from '@sinclair/typebox';
import { actor, responses, StringEnum } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { DeploymentView, view } from './schemas.js';

export function createDeploymentRoute(app: TypedApp, deps: RouteDeps): void {
  app.post(
    '/api/v1/deployments',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['models'],
        summary:
          'Deploy a model version to cameras (a list, an edge, or a name pattern), all at once or staged',
        body: Type.Object(
          {
            modelId: Type.String(),
            target: Type.Object(
              {
                cameras: Type.Optional(Type.Array(Type.String(), { maxItems: 10_000 })),
                edgeId: Type.Optional(Type.String()),
                match: Type.Optional(
                  Type.String({ maxLength: 100, description: 'glob on camera id or name' }),
                ),
              },
              { additionalProperties: false },
            ),
            strategy: StringEnum(['all_at_once', 'staged'] as const),
            canaryShare: Type.Optional(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 })),
            soakSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 30 * 86_400 })),
            abortFailureShare: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
            priority: Type.Optional(Type.Integer({ minimum: -1000, maximum: 1000 })),
            pin: Type.Optional(Type.Boolean()),
            softwareVersion: Type.Optional(
              Type.Object(
                { min: Type.Optional(Type.String()), max: Type.Optional(Type.String()) },
                { additionalProperties: false },
              ),
            ),
          },
          { additionalProperties: false },
        ),
        response: responses({ 201: DeploymentView, 409: Type.Ref('ErrorBody') }),
      },
    },
    async (request, reply) => {
      const { deployment } = await deps.models.deployments.create(request.body, actor(request.principal));
      return reply.code(201).send(await view(deps, deployment));
    },
  );
}
