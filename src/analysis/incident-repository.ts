import type { Db } from '../db/database.js';
import type { IncidentsTable } from '../db/tables.js';
import { newId } from '../db/ids.js';
import type { Selectable } from 'kysely';
import type { RiskLevel } from './types.js';

export type IncidentRow = Selectable<IncidentsTable>;

export interface IncidentFilter {
  cameraIds?: string[];
  riskLevels?: string[];
  /** Incidents that overlap [from, to). */
  from?: number;
  to?: number;
  /** Cursor: only incidents with a smaller id (ids are time-ordered). */
  before?: string;
  limit: number;
}

export interface IncidentSummary {
  incidentId: string;
  /** Events still stored (retention may have removed some). */
  events: number;
  /** The explanation of its riskiest analysed event. */
  explanation: string | null;
  findingTypes: string[];
}

/**
 * Incidents: a camera's events close in time, grouped as one item for the owner. Analysis opens or
 * joins them; the API lists them with a summary of their events.
 */
export class IncidentRepository {
  constructor(private readonly db: Db) {}

  /** Joins the camera's open incident (last event within the window) or opens one; returns it with its size. */
  async join(e: {
    cameraId: string;
    edgeId: string;
    at: number;
    windowMs: number;
    risk: number;
    level: RiskLevel;
  }): Promise<{ id: string; events: number }> {
    return this.db.transaction().execute(async (trx) => {
      const open = await trx
        .selectFrom('incidents')
        .selectAll()
        .where('camera_id', '=', e.cameraId)
        .where('ended_at', '>=', e.at - e.windowMs)
        .where('started_at', '<=', e.at + e.windowMs)
        .orderBy('ended_at', 'desc')
        .executeTakeFirst();
      if (!open) {
        const id = newId();
        await trx
          .insertInto('incidents')
          .values({
            id,
            camera_id: e.cameraId,
            edge_id: e.edgeId,
            started_at: e.at,
            ended_at: e.at,
            event_count: 1,
            risk_score: e.risk,
            risk_level: e.level,
          })
          .execute();
        return { id, events: 1 };
      }
      const higher = (open.risk_score ?? -1) < e.risk;
      await trx
        .updateTable('incidents')
        .set({
          started_at: Math.min(open.started_at, e.at),
          ended_at: Math.max(open.ended_at, e.at),
          event_count: open.event_count + 1,
          ...(higher ? { risk_score: e.risk, risk_level: e.level } : {}),
        })
        .where('id', '=', open.id)
        .execute();
      return { id: open.id, events: open.event_count + 1 };
    });
  }

  get(id: string): Promise<IncidentRow | undefined> {
    return this.db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();
  }

  eventsOf(id: string) {
    return this.db
      .selectFrom('events')
      .select(['id', 'started_at', 'risk_score', 'risk_level'])
      .where('incident_id', '=', id)
      .orderBy('started_at')
      .execute();
  }

  /** Newest first; only incidents that still have events. */
  async list(filter: IncidentFilter): Promise<IncidentRow[]> {
    let q = this.db
      .selectFrom('incidents')
      .selectAll()
      .where(({ exists, selectFrom }) =>
        exists(selectFrom('events').select('events.id').whereRef('events.incident_id', '=', 'incidents.id')),
      )
      .orderBy('id', 'desc')
      .limit(filter.limit);
    if (filter.cameraIds?.length) q = q.where('camera_id', 'in', filter.cameraIds);
    if (filter.riskLevels?.length) q = q.where('risk_level', 'in', filter.riskLevels);
    if (filter.from !== undefined) q = q.where('ended_at', '>=', filter.from);
    if (filter.to !== undefined) q = q.where('started_at', '<', filter.to);
    if (filter.before) q = q.where('id', '<', filter.before);
    return q.execute();
  }

  /** Event count, the riskiest event's explanation and the finding types, per incident. */
  async summaries(ids: string[]): Promise<Map<string, IncidentSummary>> {
    const out = new Map<string, IncidentSummary>(
      ids.map((id) => [id, { incidentId: id, events: 0, explanation: null, findingTypes: [] }]),
    );
    if (ids.length === 0) return out;
    const events = await this.db
      .selectFrom('events')
      .select(['id', 'incident_id', 'risk_score', 'explanation'])
      .where('incident_id', 'in', ids)
      .execute();
    const best = new Map<string, number>();
    for (const e of events) {
      const s = out.get(e.incident_id!)!;
      s.events++;
      if (e.explanation !== null && (e.risk_score ?? -1) > (best.get(s.incidentId) ?? -2)) {
        best.set(s.incidentId, e.risk_score ?? -1);
        s.explanation = e.explanation;
      }
    }
    const types = await this.db
      .selectFrom('event_findings')
      .innerJoin('events', 'events.id', 'event_findings.event_id')
      .select(['events.incident_id', 'event_findings.type'])
      .distinct()
      .where('events.incident_id', 'in', ids)
      .execute();
    for (const t of types) out.get(t.incident_id!)!.findingTypes.push(t.type);
    for (const s of out.values()) s.findingTypes.sort();
    return out;
  }
}
