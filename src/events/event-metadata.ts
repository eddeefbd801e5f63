import type { EventsTable } from '../db/tables.js';

/** What `metadata.json` says about an event, apart from its frames' formats. */
export interface EventMetadataInput {
  eventId: string;
  cameraId: string;
  edgeId: string;
  edgeEventKey: string;
  trigger: EventsTable['trigger_type'];
  startedAt: number;
  endedAt: number | null;
  edgeModel: { id: string | null; version: string | null; score: number | null; threshold: number | null };
  edgeDetections: { className: string; score: number; box: [number, number, number, number] | null }[];
  conditions: Record<string, string> | null;
  /** Per frame, when the edge captured it (ms), if it said. */
  framesCapturedAt: (number | null)[];
}

export interface FrameFormat {
  format: 'jpeg' | 'png';
  width: number;
  height: number;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * `events/{id}/metadata.json` in the archive: readable without the owner's key (it holds no
 * image), so an owner browsing the bucket knows what each encrypted snapshot is.
 */
export function eventMetadataDocument(input: EventMetadataInput, formats: FrameFormat[]) {
  return {
    eventId: input.eventId,
    cameraId: input.cameraId,
    edgeId: input.edgeId,
    edgeEventKey: input.edgeEventKey,
    trigger: input.trigger,
    startedAt: iso(input.startedAt),
    endedAt: iso(input.endedAt),
    edgeModel: input.edgeModel,
    edgeDetections: input.edgeDetections,
    conditions: input.conditions,
    frames: formats.map((f, i) => ({
      index: i,
      ...f,
      capturedAt: iso(input.framesCapturedAt[i] ?? null),
      encryption: 'age',
    })),
  };
}
