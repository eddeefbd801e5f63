import { Type } from '@sinclair/typebox';
import { IdParams, responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';

export function trainingMetricsRoute(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/api/v1/training-jobs/:id/metrics',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['training'],
        summary: 'The loss curve: train and validation loss per epoch',
        params: IdParams,
        response: responses({
          200: Type.Object({
            epochs: Type.Array(
              Type.Object({
                epoch: Type.Integer(),
                trainLoss: Type.Number(),
                valLoss: Type.Union([Type.Number(), Type.Null()]),
                seconds: Type.Number(),
              }),
            ),
          }),
        }),
      },
    },
    async (request) => ({ epochs: await deps.ml.training.epochs(request.params.id) }),
  );
}
