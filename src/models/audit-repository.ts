import type { Db } from '../db/database.js';
import { newId } from '../db/ids.js';

export interface AuditEntry {
  actor: string;
  action: string;
  subjectType: 'model' | 'deployment' | 'camera';
  subjectId: string;
  reason?: string | null;
  details?: Record<string, unknown>;
}

/** Every state change of models, deployments and camera assignments: who, what, when and why. */
export class AuditLog {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  async record(e: AuditEntry, db: Db = this.db): Promise<void> {
    await db
      .insertInto('audit_log')
      .values({
        id: newId(),
        at: this.now(),
        actor: e.actor,
        action: e.action,
        subject_type: e.subjectType,
        subject_id: e.subjectId,
        reason: e.reason ?? null,
        details: e.details ? JSON.stringify(e.details) : null,
      })
      .execute();
  }

  async list(filter: { subjectType?: string; subjectId?: string; limit?: number }) {
    let q = this.db
      .selectFrom('audit_log')
      .selectAll()
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(Math.min(filter.limit ?? 100, 1000));
    if (filter.subjectType) q = q.where('subject_type', '=', filter.subjectType);
    if (filter.subjectId) q = q.where('subject_id', '=', filter.subjectId);
    return (await q.execute()).map((r) => ({
      at: new Date(r.at).toISOString(),
      actor: r.actor,
      action: r.action,
      subjectType: r.subject_type,
      subjectId: r.subject_id,
      reason: r.reason,
      details: r.details ? (JSON.parse(r.details) as Record<string, unknown>) : null,
    }));
  }
}
