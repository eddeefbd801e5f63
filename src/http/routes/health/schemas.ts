import { Type } from '@sinclair/typebox';
import { StringEnum } from '../../schemas.js';

export const Status = StringEnum(['healthy', 'degraded', 'unhealthy'] as const);

export const Reason = Type.Object({ code: Type.String(), message: Type.String() });

export const Subject = Type.Object({
  id: Type.String(),
  name: Type.String(),
  status: Status,
  reasons: Type.Array(Reason),
});

export const Query = Type.Object(
  {
    subject: Type.String({
      pattern: '^(system|edge|camera):[A-Za-z0-9._-]{1,100}$',
      description: 'e.g. edge:<id>, camera:<id>, system:overall',
    }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  },
  { additionalProperties: false },
);
