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
