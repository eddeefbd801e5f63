import { sql, type Selectable } from 'kysely';
import type { Db } from '../db/database.js';
import type { JobsTable, JobStatus } from '../db/tables.js';

export type JobRow = Selectable<JobsTable>;

export interface NewJobRow {
  id: string;
  type: string;
  payload: string;
  priority: number;
  dedupeKey: string | null;
  maxAttempts: number;
  runAt: number;
  now: number;
}

/** All SQL of the job queue. Every state change is one statement, so two runners never both win. */
export class JobRepository {
  constructor(private readonly db: Db) {}

  /** Inserts, unless a live job of the same type and dedupe key exists: then returns that one. */
  async insertOrGetLive(job: NewJobRow): Promise<{ row: JobRow; created: boolean }> {
    // One statement in the common case; the partial unique index jobs_dedupe decides conflicts.
    const inserted = await sql<JobRow>`
      INSERT INTO jobs (id, type, payload, status, priority, dedupe_key, max_attempts, run_at, created_at, updated_at)
      VALUES (${job.id}, ${job.type}, ${job.payload}, 'queued', ${job.priority}, ${job.dedupeKey}, ${job.maxAttempts}, ${job.runAt}, ${job.now}, ${job.now})
      ON CONFLICT (type, dedupe_key) WHERE dedupe_key IS NOT NULL AND status IN ('queued', 'running') DO NOTHING
      RETURNING *`.execute(this.db);
    if (inserted.rows[0]) return { row: inserted.rows[0], created: true };
    const live = await this.db
      .selectFrom('jobs')
      .selectAll()
      .where('type', '=', job.type)
      .where('dedupe_key', '=', job.dedupeKey)
      .where('status', 'in', ['queued', 'running'])
      .executeTakeFirst();
    // The live job finished between the two statements: try again, it will insert now.
    return live ? { row: live, created: false } : this.insertOrGetLive(job);
  }

  /** Takes the most urgent due queued job and counts the attempt. */
  async leaseNext(
    owner: string,
    now: number,
    leaseMs: number,
    types: readonly string[],
  ): Promise<JobRow | undefined> {
    if (types.length === 0) return undefined;
    const result = await sql<JobRow>`
      UPDATE jobs SET status = 'running', lease_owner = ${owner}, lease_expires_at = ${now + leaseMs},
        attempts = attempts + 1, started_at = COALESCE(started_at, ${now}), updated_at = ${now}
      WHERE id = (
        SELECT id FROM jobs INDEXED BY jobs_due
        WHERE status = 'queued' AND run_at <= ${now} AND type IN (${sql.join(types)})
        ORDER BY priority DESC, run_at, id
        LIMIT 1)
      RETURNING *`.execute(this.db);
    return result.rows[0];
  }

  /**
   * Running jobs whose lease ran out: their runner stopped (the process was killed, or it hung).
   * That is not the job's failure, so each goes back to the queue with its attempt given back and
   * one more interruption counted; a job interrupted `maxInterruptions` times is dead (it may be
   * what takes the process down). Returns how many were requeued and the buried ones.
   */
  async reclaimExpired(
    now: number,
    maxInterruptions: number,
    /** The calling runner: its own jobs are running in it (a late renewal is not a dead runner). */
    exceptOwner: string,
  ): Promise<{ requeued: number; buried: Pick<JobRow, 'id' | 'type' | 'payload' | 'interruptions'>[] }> {
    const buried = await this.db
      .updateTable('jobs')
      .set((eb) => ({
        status: 'dead',
        interruptions: eb('interruptions', '+', 1),
        last_error: sql<string>`'its runner stopped ' || (interruptions + 1) || ' times while it ran (the process was killed or died)'`,
        lease_owner: null,
        lease_expires_at: null,
        finished_at: now,
        updated_at: now,
      }))
      .where('status', '=', 'running')
      .where('lease_expires_at', '<', now)
      .where(sql<boolean>`lease_owner IS NOT ${exceptOwner}`)
      .where('interruptions', '>=', maxInterruptions - 1)
      .returning(['id', 'type', 'payload', 'interruptions'])
      .execute();
    const requeued = await this.db
      .updateTable('jobs')
      .set((eb) => ({
        status: 'queued',
        run_at: now,
        attempts: sql<number>`MAX(attempts - 1, 0)`,
        interruptions: eb('interruptions', '+', 1),
        lease_owner: null,
        lease_expires_at: null,
        updated_at: now,
      }))
      .where('status', '=', 'running')
      .where('lease_expires_at', '<', now)
      .where(sql<boolean>`lease_owner IS NOT ${exceptOwner}`)
      .executeTakeFirst();
    return { requeued: Number(requeued.numUpdatedRows), buried };
  }

  /** Extends a lease we still hold; returns null when it was lost, else whether cancel was asked. */
  async renewLease(
    id: string,
    owner: string,
    now: number,
    leaseMs: number,
  ): Promise<{ cancelRequested: boolean } | null> {
    const row = await this.db
      .updateTable('jobs')
      .set({ lease_expires_at: now + leaseMs, updated_at: now })
      .where('id', '=', id)
      .where('lease_owner', '=', owner)
      .where('status', '=', 'running')
      .returning(['cancel_requested'])
      .executeTakeFirst();
    return row ? { cancelRequested: row.cancel_requested === 1 } : null;
  }

  async setProgress(id: string, owner: string, progress: string, now: number): Promise<void> {
    await this.db
      .updateTable('jobs')
      .set({ progress, updated_at: now })
      .where('id', '=', id)
      .where('lease_owner', '=', owner)
      .execute();
  }

  /** Ends a job we hold. Returns false when our lease was lost (another runner owns it now). */
  async finish(
    id: string,
    owner: string,
    status: Exclude<JobStatus, 'queued' | 'running'>,
    now: number,
    fields: { result?: string | null; error?: string | null },
  ): Promise<boolean> {
    const res = await this.db
      .updateTable('jobs')
      .set({
        status,
        result: fields.result ?? null,
        last_error: fields.error ?? null,
        lease_owner: null,
        lease_expires_at: null,
        finished_at: now,
        updated_at: now,
      })
      .where('id', '=', id)
      .where('lease_owner', '=', owner)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return res.numUpdatedRows > 0n;
  }

  /** Puts a job we hold back in the queue for a later attempt (or, with refund, the same one). */
  async requeue(
    id: string,
    owner: string,
    runAt: number,
    now: number,
    error: string | null,
    refundAttempt: boolean,
  ): Promise<boolean> {
    const res = await this.db
      .updateTable('jobs')
      .set((eb) => ({
        status: 'queued',
        run_at: runAt,
        last_error: error,
        lease_owner: null,
        lease_expires_at: null,
        updated_at: now,
        attempts: refundAttempt ? eb('attempts', '-', 1) : eb.ref('attempts'),
      }))
      .where('id', '=', id)
      .where('lease_owner', '=', owner)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return res.numUpdatedRows > 0n;
  }

  /** Queued jobs are cancelled at once; running ones are flagged for their runner. */
  async requestCancel(id: string, now: number): Promise<JobRow | undefined> {
    await this.db
      .updateTable('jobs')
      .set({ status: 'cancelled', finished_at: now, updated_at: now, cancel_requested: 1 })
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .execute();
    await this.db
      .updateTable('jobs')
      .set({ cancel_requested: 1, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .execute();
    return this.get(id);
  }

  async get(id: string): Promise<JobRow | undefined> {
    return this.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async list(filter: {
    type?: string;
    status?: JobStatus;
    limit: number;
    before?: string;
  }): Promise<JobRow[]> {
    let q = this.db.selectFrom('jobs').selectAll().orderBy('id', 'desc').limit(filter.limit);
    if (filter.type) q = q.where('type', '=', filter.type);
    if (filter.status) q = q.where('status', '=', filter.status);
    if (filter.before) q = q.where('id', '<', filter.before);
    return q.execute();
  }

  /**
   * For self-health: queued jobs due before `overdueBefore` (waiting for a free runner), the
   * oldest such due time, and jobs that died (out of attempts) since `deadSince`.
   */
  async backlog(
    overdueBefore: number,
    deadSince: number,
  ): Promise<{ overdue: number; oldestDueAt: number | null; dead: number }> {
    const overdue = await this.db
      .selectFrom('jobs')
      .select([(eb) => eb.fn.countAll<number>().as('count'), (eb) => eb.fn.min('run_at').as('oldest')])
      .where('status', '=', 'queued')
      .where('run_at', '<', overdueBefore)
      .executeTakeFirstOrThrow();
    const dead = await this.db
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('status', '=', 'dead')
      .where('updated_at', '>=', deadSince)
      .executeTakeFirstOrThrow();
    return {
      overdue: Number(overdue.count),
      oldestDueAt: overdue.oldest === null ? null : Number(overdue.oldest),
      dead: Number(dead.count),
    };
  }

  async countByTypeAndStatus(): Promise<{ type: string; status: JobStatus; count: number }[]> {
    return this.db
      .selectFrom('jobs')
      .select(['type', 'status', (eb) => eb.fn.countAll<number>().as('count')])
      .groupBy(['type', 'status'])
      .execute();
  }

  /** Types of unfinished jobs in the database, to check every one has a handler at start. */
  async liveTypes(): Promise<string[]> {
    const rows = await this.db
      .selectFrom('jobs')
      .select('type')
      .distinct()
      .where('status', 'in', ['queued', 'running'])
      .execute();
    return rows.map((r) => r.type);
  }

  async deleteFinishedBefore(cutoff: number): Promise<number> {
    const res = await this.db
      .deleteFrom('jobs')
      .where('status', 'in', ['succeeded', 'dead', 'cancelled'])
      .where('finished_at', '<', cutoff)
      .executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}
