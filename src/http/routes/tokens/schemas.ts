import { Type } from '@sinclair/typebox';
import { StringEnum } from '../../schemas.js';

export const Role = StringEnum(['admin', 'viewer'] as const);

export const ApiTokenView = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    role: Role,
    prefix: Type.String({ description: 'The visible part of the token, to recognise it.' }),
    createdAt: Type.String({ format: 'date-time' }),
    createdBy: Type.Union([Type.String(), Type.Null()]),
    expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { title: 'ApiToken' },
);
