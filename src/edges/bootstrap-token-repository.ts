import { sql, type Insertable, type Selectable } from 'kysely';
import type { Db } from '../db/database.js';
import type { BootstrapTokensTable } from '../db/tables.js';

export type BootstrapTokenRow = Selectable<BootstrapTokensTable>;

export class BootstrapTokenRepository {
  constructor(private readonly db: Db) {}

  async insert(row: Insertable<BootstrapTokensTable>): Promise<BootstrapTokenRow> {
    return this.db.insertInto('bootstrap_tokens').values(row).returningAll().executeTakeFirstOrThrow();
  }

  async findByPrefix(prefix: string): Promise<BootstrapTokenRow | undefined> {
    return this.db.selectFrom('bootstrap_tokens').selectAll().where('prefix', '=', prefix).executeTakeFirst();
  }

  async get(id: string): Promise<BootstrapTokenRow | undefined> {
    return this.db.selectFrom('bootstrap_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async list(): Promise<BootstrapTokenRow[]> {
    return this.db.selectFrom('bootstrap_tokens').selectAll().orderBy('created_at', 'desc').execute();
  }

  async revoke(id: string, at: number): Promise<BootstrapTokenRow | undefined> {
    await this.db
      .updateTable('bootstrap_tokens')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .execute();
    return this.get(id);
  }

  /** Which of `cameraIds` a still-usable token reserves for the edges it will enrol. */
  async camerasReserved(cameraIds: string[], now: number): Promise<Set<string>> {
    if (cameraIds.length === 0) return new Set();
    const rows = await sql<{ camera: string }>`
      SELECT DISTINCT j.value AS camera FROM bootstrap_tokens t, json_each(t.allowed_cameras) j
      WHERE t.revoked_at IS NULL AND t.expires_at > ${now} AND t.use_count < t.max_uses
        AND t.allowed_cameras IS NOT NULL AND j.value IN (${sql.join(cameraIds)})`.execute(this.db);
    return new Set(rows.rows.map((r) => r.camera));
  }

  /** Takes one use if the token is still usable; false when another enrollment took the last one. */
  async consume(db: Db, id: string, now: number): Promise<boolean> {
    const res = await db
      .updateTable('bootstrap_tokens')
      .set((eb) => ({ use_count: eb('use_count', '+', 1) }))
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .whereRef('use_count', '<', 'max_uses')
      .executeTakeFirst();
    return res.numUpdatedRows > 0n;
  }
}
