import { IdParams, responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { ModelView } from './schemas.js';

export function getModelRoute(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/api/v1/models/:id',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['models'],
        summary: 'One model version',
        params: IdParams,
        response: responses({ 200: ModelView }),
      },
    },
    async (request) => deps.models.catalog.get(request.params.id),
  );
}
