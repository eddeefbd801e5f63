import { Type } from '@sinclair/typebox';

const Iso = Type.String({ format: 'date-time' });
const OrNull = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const EventView = Type.Object(
  {
    id: Type.String(),
    cameraId: Type.String(),
    edgeId: Type.String(),
    edgeEventKey: Type.String(),
    trigger: Type.String(),
    startedAt: Iso,
    endedAt: OrNull(Iso),
    edgeModel: Type.Object({
      id: OrNull(Type.String()),
      version: OrNull(Type.String()),
      score: OrNull(Type.Number()),
      threshold: OrNull(Type.Number()),
    }),
    edgeDetections: Type.Unknown(),
    frameCount: Type.Integer(),
    hasClip: Type.Boolean(),
    analysisStatus: Type.String(),
    analysisError: OrNull(Type.String({ description: 'Why the analysis failed, when it did.' })),
    incidentId: OrNull(Type.String({ description: 'The incident (a burst of events) it belongs to.' })),
    riskScore: OrNull(Type.Number()),
    riskLevel: OrNull(Type.String()),
    explanation: OrNull(Type.String()),
    createdAt: Iso,
  },
  { title: 'Event' },
);
