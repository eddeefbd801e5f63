/**
 * What an owner sees of an event: one TypeBox schema is the API's response schema and, through
 * `Static`, the service's return type, so the two cannot drift.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { EventRow } from './event-repository.js';

const Iso = Type.String({ format: 'date-time' });
const OrNull = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const EventViewSchema = Type.Object(
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
    findingTypes: Type.Array(Type.String(), {
      description: 'The types of its findings (new_object, scene_change, ...), once analysed.',
    }),
    createdAt: Iso,
    reviewedAt: OrNull(
      Type.String({ format: 'date-time', description: 'When the calling API token marked it reviewed.' }),
    ),
  },
  { title: 'Event' },
);

export type EventView = Static<typeof EventViewSchema>;

export function toEventView(
  r: EventRow,
  findingTypes: string[] = [],
  reviewedAt: number | null = null,
): EventView {
  return {
    id: r.id,
    cameraId: r.camera_id,
    edgeId: r.edge_id,
    edgeEventKey: r.edge_event_key,
    trigger: r.trigger_type,
    startedAt: new Date(r.started_at).toISOString(),
    endedAt: r.ended_at === null ? null : new Date(r.ended_at).toISOString(),
    edgeModel: {
      id: r.edge_model_id,
      version: r.edge_model_version,
      // Rows stored before ingest refused non-finite numbers must still render.
      score: finiteOrNull(r.edge_score),
      threshold: finiteOrNull(r.edge_threshold),
    },
    edgeDetections: r.edge_detections ? JSON.parse(r.edge_detections) : [],
    frameCount: r.frame_count,
    hasClip: r.has_clip === 1,
    analysisStatus: r.analysis_status,
    analysisError: r.analysis_error,
    incidentId: r.incident_id,
    riskScore: r.risk_score,
    riskLevel: r.risk_level,
    explanation: r.explanation,
    findingTypes,
    createdAt: new Date(r.created_at).toISOString(),
    reviewedAt: reviewedAt === null ? null : new Date(reviewedAt).toISOString(),
  };
}

const finiteOrNull = (v: number | null) => (v !== null && Number.isFinite(v) ? v : null);
