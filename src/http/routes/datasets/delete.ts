import { Type } from '@sinclair/typebox';
import { IdParams, responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';

export function deleteDatasetRoute(app: TypedApp, deps: RouteDeps): void {
  app.delete(
    '/api/v1/datasets/:id',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['datasets'],
        summary: 'Delete a dataset and its images',
        params: IdParams,
        response: responses({ 204: Type.Null() }),
      },
    },
    async (request, reply) => {
      await deps.ml.datasets.delete(request.params.id);
      return reply.code(204).send(null);
    },
  );
}
