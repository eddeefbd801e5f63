import { Type } from '@sinclair/typebox';

export const TrainingJobView = Type.Object({
  id: Type.String(),
  cameraId: Type.String(),
  datasetId: Type.String(),
  jobId: Type.Union([Type.String(), Type.Null()], {
    description: 'the queue job running it (GET /api/v1/jobs/{id})',
  }),
  status: Type.String({ description: 'queued, running, succeeded, failed or cancelled' }),
  params: Type.Unknown({ description: 'architecture and hyper-parameters used' }),
  progress: Type.Unknown({ description: 'stage, epoch, train and validation loss, ETA' }),
  metrics: Type.Unknown({ description: 'losses, calibration (threshold, AUROC, F1), export check' }),
  modelId: Type.Union([Type.String(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  startedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export const Overrides = Type.Object(
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
