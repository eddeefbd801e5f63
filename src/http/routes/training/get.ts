import { IdParams, responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { TrainingJobView } from './schemas.js';

export function getTrainingJobRoute(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/api/v1/training-jobs/:id',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['training'],
        summary: 'One training job with its progress and metrics',
        params: IdParams,
        response: responses({ 200: TrainingJobView }),
      },
    },
    async (request) => deps.ml.training.get(request.params.id),
  );
}
