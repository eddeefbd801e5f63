import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Db } from '../db/database.js';
import type { CameraReadiness, CamerasTable } from '../db/tables.js';

export type CameraRow = Selectable<CamerasTable>;

export class CameraRepository {
  constructor(private readonly db: Db) {}

  async get(id: string): Promise<CameraRow | undefined> {
    return this.db.selectFrom('cameras').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async getMany(ids: string[]): Promise<CameraRow[]> {
    if (ids.length === 0) return [];
    return this.db.selectFrom('cameras').selectAll().where('id', 'in', ids).execute();
  }

  async listByEdge(edgeId: string): Promise<CameraRow[]> {
    return this.db.selectFrom('cameras').selectAll().where('edge_id', '=', edgeId).orderBy('id').execute();
  }

  async list(filter: { edgeId?: string; readiness?: CameraReadiness }): Promise<CameraRow[]> {
    let q = this.db.selectFrom('cameras').selectAll().orderBy('id');
    if (filter.edgeId) q = q.where('edge_id', '=', filter.edgeId);
    if (filter.readiness) q = q.where('readiness', '=', filter.readiness);
    return q.execute();
  }

  async insert(row: Insertable<CamerasTable>, db: Db = this.db): Promise<void> {
    await db.insertInto('cameras').values(row).execute();
  }

  async update(id: string, changes: Updateable<CamerasTable>, db: Db = this.db): Promise<void> {
    await db.updateTable('cameras').set(changes).where('id', '=', id).execute();
  }

  /** Cameras of the edge that it no longer reports are kept (their data stays) but marked unseen. */
  async markMissing(edgeId: string, presentIds: string[], now: number, db: Db = this.db): Promise<void> {
    let q = db
      .updateTable('cameras')
      .set({ updated_at: now, capabilities: null })
      .where('edge_id', '=', edgeId);
    if (presentIds.length > 0) q = q.where('id', 'not in', presentIds);
    await q.execute();
  }
}
