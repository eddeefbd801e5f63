import { Type } from '@sinclair/typebox';

export const UsageView = Type.Object(
  {
    cameraId: Type.String(),
    usedBytes: Type.Integer(),
    objectCount: Type.Integer(),
    quotaBytes: Type.Integer(),
    retentionDays: Type.Integer(),
    percent: Type.Number(),
    warning: Type.Boolean({ description: 'At or above 80% of the quota.' }),
    reconciledAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { title: 'CameraStorage' },
);
