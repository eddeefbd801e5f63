import { Type } from '@sinclair/typebox';
import { StringEnum } from '../../schemas.js';

const Iso = Type.String({ format: 'date-time' });
const OrNull = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const EdgeView = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    status: StringEnum(['active', 'revoked'] as const),
    online: Type.Boolean({ description: 'A heartbeat arrived within three heartbeat intervals.' }),
    lastSeenAt: OrNull(Iso),
    lastRttMs: OrNull(Type.Number()),
    softwareVersion: OrNull(Type.String()),
    enrolledAt: Iso,
    certificate: Type.Object({
      serial: OrNull(Type.String()),
      expiresAt: OrNull(Iso),
      renewalDue: Type.Boolean(),
    }),
    wireguard: Type.Object({
      publicKey: OrNull(Type.String()),
      address: OrNull(Type.String()),
      endpoint: OrNull(Type.String()),
      latestHandshakeAt: OrNull(Iso),
      handshakeAgeSeconds: OrNull(Type.Number()),
      rxBytes: Type.Number(),
      txBytes: Type.Number(),
    }),
    allowedCameras: Type.Union([Type.Array(Type.String()), Type.Null()]),
    capabilities: Type.Unknown(),
    revokedAt: OrNull(Iso),
    revokedReason: OrNull(Type.String()),
  },
  { title: 'Edge' },
);

export const CameraView = Type.Object(
  {
    id: Type.String(),
    edgeId: Type.String(),
    name: Type.String(),
    kind: Type.String(),
    width: OrNull(Type.Integer()),
    height: OrNull(Type.Integer()),
    fps: OrNull(Type.Number()),
    online: Type.Boolean(),
    readiness: StringEnum(['needs_snapshots', 'ready_for_training', 'training', 'model_deployed'] as const),
    allowed: Type.Boolean(),
    labelledSnapshotCounts: Type.Record(Type.String(), Type.Integer()),
    lastSeenAt: OrNull(Iso),
  },
  { title: 'Camera' },
);
