import type { Insertable, Selectable } from 'kysely';
import type { Db } from '../db/database.js';
import type { DatasetsTable, SnapshotsTable } from '../db/tables.js';

export type DatasetRow = Selectable<DatasetsTable>;
export type SnapshotRow = Selectable<SnapshotsTable>;

/** Datasets (one default per camera, more by import) and their labelled snapshots. */
export class DatasetRepository {
  constructor(private readonly db: Db) {}

  get(id: string): Promise<DatasetRow | undefined> {
    return this.db.selectFrom('datasets').selectAll().where('id', '=', id).executeTakeFirst();
  }

  list(filter: { cameraId?: string }): Promise<DatasetRow[]> {
    let q = this.db.selectFrom('datasets').selectAll().orderBy('created_at');
    if (filter.cameraId) q = q.where('camera_id', '=', filter.cameraId);
    return q.execute();
  }

  async insert(row: Insertable<DatasetsTable>): Promise<void> {
    await this.db.insertInto('datasets').values(row).execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('datasets').where('id', '=', id).execute();
  }

  async setQuota(id: string, quotaBytes: number | null, now: number): Promise<void> {
    await this.db
      .updateTable('datasets')
      .set({ quota_bytes: quotaBytes, updated_at: now })
      .where('id', '=', id)
      .execute();
  }

  findBySha(datasetId: string, sha256: string): Promise<SnapshotRow | undefined> {
    return this.db
      .selectFrom('snapshots')
      .selectAll()
      .where('dataset_id', '=', datasetId)
      .where('sha256', '=', sha256)
      .executeTakeFirst();
  }

  /** Adds a snapshot and the dataset's counters in one transaction. */
  async addSnapshot(row: Insertable<SnapshotsTable>, now: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('snapshots').values(row).execute();
      await trx
        .updateTable('datasets')
        .set((eb) => ({
          image_count: eb('image_count', '+', 1),
          total_bytes: eb('total_bytes', '+', row.size),
          updated_at: now,
        }))
        .where('id', '=', row.dataset_id)
        .execute();
    });
  }

  /** Removes snapshots of one dataset and takes them off its counters, in one transaction. */
  async deleteSnapshots(datasetId: string, ids: string[], now: number): Promise<SnapshotRow[]> {
    if (ids.length === 0) return [];
    return this.db.transaction().execute(async (trx) => {
      const rows = await trx
        .deleteFrom('snapshots')
        .where('dataset_id', '=', datasetId)
        .where('id', 'in', ids)
        .returningAll()
        .execute();
      const bytes = rows.reduce((n, r) => n + r.size, 0);
      await trx
        .updateTable('datasets')
        .set((eb) => ({
          image_count: eb('image_count', '-', rows.length),
          total_bytes: eb('total_bytes', '-', bytes),
          updated_at: now,
        }))
        .where('id', '=', datasetId)
        .execute();
      return rows;
    });
  }

  async countDuplicate(datasetId: string, now: number): Promise<void> {
    await this.db
      .updateTable('datasets')
      .set((eb) => ({ duplicate_count: eb('duplicate_count', '+', 1), updated_at: now }))
      .where('id', '=', datasetId)
      .execute();
  }

  snapshots(datasetId: string, label?: string): Promise<SnapshotRow[]> {
    let q = this.db.selectFrom('snapshots').selectAll().where('dataset_id', '=', datasetId).orderBy('id');
    if (label) q = q.where('label', '=', label);
    return q.execute();
  }

  async labelCounts(datasetId: string): Promise<Record<string, { count: number; bytes: number }>> {
    const rows = await this.db
      .selectFrom('snapshots')
      .select([
        'label',
        (eb) => eb.fn.countAll<number>().as('count'),
        (eb) => eb.fn.sum<number>('size').as('bytes'),
      ])
      .where('dataset_id', '=', datasetId)
      .groupBy('label')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.label, { count: Number(r.count), bytes: Number(r.bytes) }]));
  }

  /** How often each condition value occurs, e.g. { time_of_day: { day: 120, night: 30 } }. */
  async conditionCounts(datasetId: string): Promise<Record<string, Record<string, number>>> {
    const rows = await this.db
      .selectFrom('snapshots')
      .select('conditions')
      .where('dataset_id', '=', datasetId)
      .where('conditions', 'is not', null)
      .execute();
    const out: Record<string, Record<string, number>> = {};
    for (const r of rows) {
      for (const [k, v] of Object.entries(JSON.parse(r.conditions!) as Record<string, string>)) {
        if (!v) continue;
        (out[k] ??= {})[v] = (out[k]![v] ?? 0) + 1;
      }
    }
    return out;
  }

  async totalBytes(): Promise<number> {
    const row = await this.db
      .selectFrom('datasets')
      .select((eb) => eb.fn.sum<number>('total_bytes').as('bytes'))
      .executeTakeFirst();
    return Number(row?.bytes ?? 0);
  }
}
