import { Type } from '@sinclair/typebox';
import { responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { TrainingJobView } from './schemas.js';

export function listTrainingJobsRoute(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/api/v1/training-jobs',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['training'],
        summary: 'Training jobs, newest first',
        querystring: Type.Object(
          {
            cameraId: Type.Optional(Type.String({ maxLength: 100 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
          },
          { additionalProperties: false },
        ),
        response: responses({ 200: Type.Object({ items: Type.Array(TrainingJobView) }) }),
      },
    },
    async (request) => ({ items: await deps.ml.training.list(request.query) }),
  );
}
