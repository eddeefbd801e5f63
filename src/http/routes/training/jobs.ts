import { Type } from '@sinclair/typebox';
import { IdParams, responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { TrainingJobView } from './schemas.js';

const Overrides = Type.Object(
  {
    epochs: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    batchSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 256 })),
    learningRate: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
    patience: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1, description: 'repeatable run' })),
    workers: Type.Optional(Type.Integer({ minimum: 1, maximum: 16 })),
    inputWidth: Type.Optional(Type.Integer({ minimum: 32, maximum: 640 })),
    inputHeight: Type.Optional(Type.Integer({ minimum: 32, maximum: 640 })),
    latentDim: Type.Optional(Type.Integer({ minimum: 16, maximum: 1024 })),
  },
  { additionalProperties: false },
);

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
