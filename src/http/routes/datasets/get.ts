import { IdParams, responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { DatasetView } from './schemas.js';

export function getDatasetRoute(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/api/v1/datasets/:id',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['datasets'],
        summary: 'One dataset: counts per label, conditions, size and quota',
        params: IdParams,
        response: responses({ 200: DatasetView }),
      },
    },
    async (request) => deps.ml.datasets.view(request.params.id),
  );
}
