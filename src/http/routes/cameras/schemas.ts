import { Type } from '@sinclair/typebox';

export const Box = Type.Object(
  { x1: Type.Number(), y1: Type.Number(), x2: Type.Number(), y2: Type.Number() },
  { description: 'shares of the image (0..1)' },
);

export const BaselineView = Type.Object({
  cameraId: Type.String(),
  version: Type.Integer({ description: 'increments with every build; analysis reports which one it used' }),
  detector: Type.String(),
  snapshotCount: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  stats: Type.Unknown({
    description:
      'snapshotCount, grid {cols, rows}, hours[24] and conditions of the snapshots, and per class: presence, count distribution and histogram, occupancy grid (by box bottom-centre), box width/height/area, hours[24], conditions, meanScore',
  }),
  staticObjects: Type.Array(
    Type.Object({ label: Type.String(), box: Box, presence: Type.Number(), snapshots: Type.Integer() }),
    {
      description: 'objects present at a stable place in most normal snapshots (e.g. a parked van)',
    },
  ),
});
