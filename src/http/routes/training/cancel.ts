import { Type } from '@sinclair/typebox';
import { IdParams, responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { TrainingJobView } from './schemas.js';

export function cancelTrainingRoute(app: TypedApp, deps: RouteDeps): void {
  app.post(
    '/api/v1/training-jobs/:id/cancel',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['training'],
        summary: 'Cancel a queued or running training job',
        params: IdParams,
        response: responses({ 200: TrainingJobView, 409: Type.Ref('ErrorBody') }),
      },
    },
    async (request) => deps.ml.training.cancel(request.params.id),
  );
}
