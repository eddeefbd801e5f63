import { Type } from '@sinclair/typebox';
import { responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { Overrides, TrainingJobView } from './schemas.js';

export function startTrainingRoute(app: TypedApp, deps: RouteDeps): void {
  app.post(
    '/api/v1/training-jobs',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['training'],
        summary: "Train a camera's anomaly model on its dataset's normal images",
        body: Type.Object(
          {
            cameraId: Type.String({ minLength: 1, maxLength: 100 }),
            datasetId: Type.Optional(
              Type.String({ maxLength: 100, description: "default: the camera's default dataset" }),
            ),
            overrides: Type.Optional(Overrides),
          },
          { additionalProperties: false },
        ),
        response: responses({ 202: TrainingJobView, 409: Type.Ref('ErrorBody') }),
      },
    },
    async (request, reply) => reply.code(202).send(await deps.ml.training.start(request.body)),
  );
}
