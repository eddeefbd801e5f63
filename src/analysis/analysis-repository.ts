import type { Db } from '../db/database.js';
import { newId } from '../db/ids.js';
import type { EventRepository, EventRow } from '../events/event-repository.js';
import type { Box } from '../vision/types.js';
import type { SuppressionRule } from './suppression.js';
import type { Finding, RiskLevel, Track } from './types.js';

export interface AnalysisResult {
  tracks: Track[];
  findings: Finding[];
  riskScore: number;
  riskLevel: RiskLevel;
  explanation: string;
  report: unknown;
  incidentId: string | null;
}

/**
 * Analysis results on events (objects, findings, risk, report), incidents, feedback and the
 * suppression rules feedback creates. Event rows change only here and in EventRepository, and
 * every change here is announced through it so the hot cache stays honest.
 */
export class AnalysisRepository {
  constructor(
    private readonly db: Db,
    private readonly events: EventRepository,
  ) {}

  getEvent(id: string): Promise<EventRow | undefined> {
    return this.events.get(id);
  }

  /** Events whose analysis has not ended (after a crash: the ones to queue again), oldest first. */
  async unfinishedIds(): Promise<string[]> {
    const rows = await this.db
      .selectFrom('events')
      .select('id')
      .where('analysis_status', 'in', ['pending', 'analyzing'])
      .orderBy('id')
      .execute();
    return rows.map((r) => r.id);
  }

  /** Which of these event ids exist. */
  async existingIds(ids: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.db
        .selectFrom('events')
        .select('id')
        .where('id', 'in', ids.slice(i, i + 500))
        .execute();
      for (const r of rows) found.add(r.id);
    }
    return found;
  }

  /** Sets the analysis status; `error` says why when it is `failed` (cleared otherwise). */
  async setStatus(
    eventId: string,
    status: EventRow['analysis_status'],
    now: number,
    error: string | null = null,
  ): Promise<void> {
    await this.db
      .updateTable('events')
      .set({ analysis_status: status, analysis_error: status === 'failed' ? error : null, updated_at: now })
      .where('id', '=', eventId)
      .execute();
    this.events.notifyChanged(eventId);
  }

  async save(eventId: string, r: AnalysisResult, now: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('event_objects').where('event_id', '=', eventId).execute();
      await trx.deleteFrom('event_findings').where('event_id', '=', eventId).execute();
      const objects = r.tracks.flatMap((t) =>
        t.points.map((p) => ({
          id: newId(),
          event_id: eventId,
          frame_index: p.frame,
          track_id: t.id,
          class_name: t.label,
          score: p.score,
          box: JSON.stringify(p.box),
        })),
      );
      if (objects.length) await trx.insertInto('event_objects').values(objects).execute();
      const findings = r.findings.map((f) => ({
        id: newId(),
        event_id: eventId,
        type: f.type,
        score: f.score,
        evidence: JSON.stringify({ ...f.evidence, label: f.label ?? null, box: f.box ?? null }),
      }));
      if (findings.length) await trx.insertInto('event_findings').values(findings).execute();
      await trx
        .updateTable('events')
        .set({
          analysis_status: 'analyzed',
          analysis_error: null,
          risk_score: r.riskScore,
          risk_level: r.riskLevel,
          explanation: r.explanation,
          report: JSON.stringify(r.report),
          incident_id: r.incidentId,
          updated_at: now,
        })
        .where('id', '=', eventId)
        .execute();
    });
    this.events.notifyChanged(eventId);
  }

  /** The owner said false positive: the level changes, the findings stay as they were found. */
  async markFalsePositive(eventId: string, report: unknown, now: number): Promise<void> {
    await this.db
      .updateTable('events')
      .set({ risk_level: 'false_positive', risk_score: 0, report: JSON.stringify(report), updated_at: now })
      .where('id', '=', eventId)
      .execute();
    this.events.notifyChanged(eventId);
  }

  /** Events of the edge's other cameras close in time (cross-camera correlation). */
  relatedEvents(e: { edgeId: string; cameraId: string; at: number; windowMs: number }) {
    return this.db
      .selectFrom('events')
      .select(['id', 'camera_id', 'started_at', 'risk_level'])
      .where('edge_id', '=', e.edgeId)
      .where('camera_id', '!=', e.cameraId)
      .where('started_at', '>=', e.at - e.windowMs)
      .where('started_at', '<=', e.at + e.windowMs)
      .orderBy('started_at')
      .limit(20)
      .execute();
  }

  /** How many findings of each type the camera had in the window (repeated findings). */
  async recentFindingCounts(
    cameraId: string,
    since: number,
    excludeEventId: string,
  ): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom('event_findings')
      .innerJoin('events', 'events.id', 'event_findings.event_id')
      .select(['event_findings.type', (eb) => eb.fn.countAll<number>().as('n')])
      .where('events.camera_id', '=', cameraId)
      .where('events.started_at', '>=', since)
      .where('events.id', '!=', excludeEventId)
      .groupBy('event_findings.type')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.type, Number(r.n)]));
  }

  async addFeedback(row: {
    id: string;
    eventId: string | null;
    cameraId: string;
    kind: 'false_positive' | 'confirmed' | 'false_negative';
    comment: string | null;
    createdBy: string | null;
    now: number;
  }): Promise<void> {
    await this.db
      .insertInto('feedback')
      .values({
        id: row.id,
        event_id: row.eventId,
        camera_id: row.cameraId,
        kind: row.kind,
        comment: row.comment,
        created_by: row.createdBy,
        created_at: row.now,
      })
      .execute();
  }

  async addRule(row: {
    cameraId: string;
    className: string | null;
    findingType: string | null;
    region: Box | null;
    hours: [number, number] | null;
    feedbackId: string;
    expiresAt: number | null;
    now: number;
  }): Promise<string> {
    const id = newId();
    await this.db
      .insertInto('suppression_rules')
      .values({
        id,
        camera_id: row.cameraId,
        class_name: row.className,
        finding_type: row.findingType,
        region: row.region ? JSON.stringify(row.region) : null,
        hours: row.hours ? JSON.stringify(row.hours) : null,
        feedback_id: row.feedbackId,
        expires_at: row.expiresAt,
        created_at: row.now,
      })
      .execute();
    return id;
  }

  async activeRules(cameraId: string, now: number): Promise<SuppressionRule[]> {
    const rows = await this.db
      .selectFrom('suppression_rules')
      .selectAll()
      .where('camera_id', '=', cameraId)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .orderBy('created_at')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      className: r.class_name,
      findingType: r.finding_type,
      region: r.region ? (JSON.parse(r.region) as Box) : null,
      hours: r.hours ? (JSON.parse(r.hours) as [number, number]) : null,
    }));
  }

  /** Events by risk level ('unscored' before analysis) and findings by type, for /metrics. */
  async countsByLevel(): Promise<{ level: string; n: number }[]> {
    const rows = await this.db
      .selectFrom('events')
      .select(['risk_level', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('risk_level')
      .execute();
    return rows.map((r) => ({ level: r.risk_level ?? 'unscored', n: Number(r.n) }));
  }

  async findingCounts(): Promise<{ type: string; n: number }[]> {
    const rows = await this.db
      .selectFrom('event_findings')
      .select(['type', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('type')
      .execute();
    return rows.map((r) => ({ type: r.type, n: Number(r.n) }));
  }

  /** One camera's events since `since`: by risk level and by local day. */
  async cameraEventStats(
    cameraId: string,
    since: number,
  ): Promise<{ levels: Record<string, number>; days: Record<string, number> }> {
    const rows = await this.db
      .selectFrom('events')
      .select(['risk_level', 'started_at'])
      .where('camera_id', '=', cameraId)
      .where('started_at', '>=', since)
      .execute();
    const levels: Record<string, number> = {};
    const days: Record<string, number> = {};
    for (const r of rows) {
      const level = r.risk_level ?? 'unscored';
      levels[level] = (levels[level] ?? 0) + 1;
      const d = new Date(r.started_at);
      const day = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
      days[day] = (days[day] ?? 0) + 1;
    }
    return { levels, days };
  }

  async feedbackCounts(cameraId: string): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom('feedback')
      .select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
      .where('camera_id', '=', cameraId)
      .groupBy('kind')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.kind, Number(r.n)]));
  }

  /** Share of the camera's feedback on events with these finding types that said false positive. */
  async falsePositiveShare(cameraId: string, types: string[]): Promise<number> {
    if (types.length === 0) return 0;
    const rows = await this.db
      .selectFrom('feedback')
      .innerJoin('event_findings', 'event_findings.event_id', 'feedback.event_id')
      .select(['feedback.kind', (eb) => eb.fn.count<number>('feedback.id').distinct().as('n')])
      .where('feedback.camera_id', '=', cameraId)
      .where('event_findings.type', 'in', types)
      .groupBy('feedback.kind')
      .execute();
    const total = rows.reduce((a, r) => a + Number(r.n), 0);
    const fp = Number(rows.find((r) => r.kind === 'false_positive')?.n ?? 0);
    return total === 0 ? 0 : fp / total;
  }
}
