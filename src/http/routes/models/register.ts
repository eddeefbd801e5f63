import { actor, IdParams, responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { ModelView } from './schemas.js';

export function registerModelRoute(app: TypedApp, deps: RouteDeps): void {
  app.post(
    '/api/v1/models/:id/register',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['models'],
        summary:
          'Register a package placed in the store as models/{id}/model.onnx + metadata.json (e.g. a base model)',
        description:
          'Both files must exist and agree (id, sha256, size), and onnxruntime must load the model with the inputs and outputs metadata.json names.',
        params: IdParams,
        response: responses({ 201: ModelView }),
      },
    },
    async (request, reply) =>
      reply.code(201).send(await deps.models.catalog.register(request.params.id, actor(request.principal))),
  );
}
