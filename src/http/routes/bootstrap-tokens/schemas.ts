import { Type } from '@sinclair/typebox';
import { StringEnum } from '../../schemas.js';

const Iso = Type.String({ format: 'date-time' });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const BootstrapTokenView = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    prefix: Type.String(),
    expiresAt: Iso,
    maxUses: Type.Integer(),
    useCount: Type.Integer(),
    allowedCameras: Type.Union([Type.Array(Type.String()), Type.Null()]),
    allowedLabels: Type.Union([Type.Array(Type.String()), Type.Null()]),
    createdAt: Iso,
    createdBy: Nullable(Type.String()),
    revokedAt: Nullable(Iso),
    reenrollEdgeId: Nullable(Type.String()),
    state: StringEnum(['active', 'expired', 'used_up', 'revoked'] as const),
  },
  { title: 'BootstrapToken' },
);
