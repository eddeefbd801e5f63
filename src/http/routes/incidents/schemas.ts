import { Type } from '@sinclair/typebox';

const Iso = Type.String({ format: 'date-time' });
const OrNull = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** A burst of one camera's events (closer than analysis.incidentWindowSeconds) as one item. */
export const IncidentView = Type.Object({
  id: Type.String(),
  cameraId: Type.String(),
  edgeId: Type.String(),
  startedAt: Iso,
  endedAt: Iso,
  eventCount: Type.Integer({ description: 'Events still stored (retention may have removed some).' }),
  riskScore: OrNull(Type.Number({ description: 'The highest risk among its events.' })),
  riskLevel: OrNull(Type.String()),
  explanation: OrNull(Type.String({ description: 'The explanation of its riskiest event.' })),
  findingTypes: Type.Array(Type.String(), { description: 'Finding types across its events.' }),
});
