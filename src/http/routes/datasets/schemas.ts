import { Type } from '@sinclair/typebox';

export const DatasetView = Type.Object({
  id: Type.String(),
  cameraId: Type.String(),
  name: Type.String(),
  imageCount: Type.Integer(),
  duplicateCount: Type.Integer({ description: 'uploads skipped because the same image was already there' }),
  totalBytes: Type.Integer(),
  quotaBytes: Type.Integer(),
  labels: Type.Record(Type.String(), Type.Object({ count: Type.Integer(), bytes: Type.Integer() })),
  conditions: Type.Record(Type.String(), Type.Record(Type.String(), Type.Integer()), {
    description: 'how often each condition value occurs, e.g. light: { day: 120, night: 30 }',
  }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const ImportSummary = Type.Object({
  datasetId: Type.String(),
  accepted: Type.Integer(),
  duplicates: Type.Integer(),
  refused: Type.Array(Type.String(), { description: 'one line per refused image: where and why' }),
});
