import { Type } from '@sinclair/typebox';

export { EventViewSchema as EventView } from '../../../events/event-view.js';

export const Report = Type.Unknown({
  description:
    'risk {score 0-100, level, factors}, explanation, findings [{type, score, label, box, evidence}], suppressed findings, objects (tracks with frames, dwell, speed, static match), incident, related events of other cameras, edgeComparison (edge vs server CAE), models used (detector, baseline version with its evidence: snapshots, days, hours covered, confidence and the weight given to its statistical findings, CAE, edge model), inputs (per-frame detections)',
});

export const Reviewed = Type.Object({
  eventId: Type.String(),
  reviewedAt: Type.String({ format: 'date-time' }),
});
