import { AppError } from '../errors/app-error.js';
import type { EventQueryService, EventView } from '../events/event-query-service.js';
import type {
  IncidentFilter,
  IncidentRepository,
  IncidentRow,
  IncidentSummary,
} from './incident-repository.js';

export interface IncidentView {
  id: string;
  cameraId: string;
  edgeId: string;
  startedAt: string;
  endedAt: string;
  /** Events still stored (retention may have removed older ones). */
  eventCount: number;
  /** The highest risk among its events when they were analysed. */
  riskScore: number | null;
  riskLevel: string | null;
  /** The explanation of its riskiest event. */
  explanation: string | null;
  findingTypes: string[];
}

const MAX_EVENTS = 500;

/** A burst of one camera's events as one item, for clients that show incidents, not events. */
export class IncidentService {
  constructor(
    private readonly repo: IncidentRepository,
    private readonly events: EventQueryService,
  ) {}

  async list(filter: IncidentFilter): Promise<{ items: IncidentView[]; nextCursor: string | null }> {
    const rows = await this.repo.list(filter);
    const summaries = await this.repo.summaries(rows.map((r) => r.id));
    return {
      items: rows.map((r) => toView(r, summaries.get(r.id)!)),
      nextCursor: rows.length === filter.limit ? rows[rows.length - 1]!.id : null,
    };
  }

  /** `viewer`: the calling API token, whose review marks the events carry. */
  async get(id: string, viewer?: string): Promise<IncidentView & { events: EventView[] }> {
    const row = await this.repo.get(id);
    if (!row) throw new AppError('not_found', `incident ${id} does not exist`);
    const summary = (await this.repo.summaries([id])).get(id)!;
    if (summary.events === 0) throw new AppError('not_found', `incident ${id} has no stored events left`);
    const { items } = await this.events.list({ incidentIds: [id], limit: MAX_EVENTS }, viewer);
    // Oldest first: an incident reads as a sequence.
    return { ...toView(row, summary), events: items.reverse() };
  }
}

function toView(r: IncidentRow, s: IncidentSummary): IncidentView {
  return {
    id: r.id,
    cameraId: r.camera_id,
    edgeId: r.edge_id,
    startedAt: new Date(r.started_at).toISOString(),
    endedAt: new Date(r.ended_at).toISOString(),
    eventCount: s.events,
    riskScore: r.risk_score,
    riskLevel: r.risk_level,
    explanation: s.explanation,
    findingTypes: s.findingTypes,
  };
}
