import { Type } from '@sinclair/typebox';

export const ModelView = Type.Object({
  id: Type.String(),
  cameraId: Type.Union([Type.String(), Type.Null()]),
  kind: Type.String({ description: 'cae or detector' }),
  name: Type.String(),
  version: Type.String({ description: 'semver' }),
  format: Type.String(),
  opset: Type.Union([Type.Integer(), Type.Null()]),
  inputShape: Type.Unknown(),
  size: Type.Integer(),
  sha256: Type.String(),
  threshold: Type.Union([Type.Number(), Type.Null()]),
  datasetId: Type.Union([Type.String(), Type.Null()]),
  trainingJobId: Type.Union([Type.String(), Type.Null()]),
  metrics: Type.Unknown(),
  status: Type.String({ description: 'training, ready, active, archived or failed' }),
  createdAt: Type.String({ format: 'date-time' }),
});
