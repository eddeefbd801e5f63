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

export const Policy = Type.Object(
  {
    quotaBytes: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], { description: 'null: back to the default' }),
    ),
    retentionDays: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1, maximum: 3650 }), Type.Null()], {
        description: 'null: back to the default',
      }),
    ),
  },
  { additionalProperties: false },
);
