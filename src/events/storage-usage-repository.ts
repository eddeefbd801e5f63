import { sql } from 'kysely';
import type { Db } from '../db/database.js';

/**
 * Adds (or with negative numbers removes) bytes and objects to a camera's storage usage; `db` is
 * the transaction that writes the objects themselves, so the counters never drift from them.
 */
export async function addStorageUsage(
  db: Db,
  cameraId: string,
  bytes: number,
  objects: number,
): Promise<void> {
  await sql`INSERT INTO storage_usage (camera_id, used_bytes, object_count) VALUES (${cameraId}, ${bytes}, ${objects})
    ON CONFLICT (camera_id) DO UPDATE SET used_bytes = MAX(0, used_bytes + excluded.used_bytes),
      object_count = MAX(0, object_count + excluded.object_count)`.execute(db);
}

export interface UsageRow {
  cameraId: string;
  usedBytes: number;
  objectCount: number;
  quotaBytes: number | null;
  retentionDays: number | null;
  warnedAt: number | null;
  reconciledAt: number | null;
}

/** Per-camera storage usage and policy (quota and retention live on the camera). */
export class StorageUsageRepository {
  constructor(private readonly db: Db) {}

  async get(cameraId: string): Promise<UsageRow | undefined> {
    const row = await this.withUsage().where('cameras.id', '=', cameraId).executeTakeFirst();
    return row ? toUsage(row) : undefined;
  }

  async all(): Promise<UsageRow[]> {
    return (await this.withUsage().orderBy('cameras.id').execute()).map(toUsage);
  }

  /** Cameras with their usage counters (zero where nothing was stored yet). */
  private withUsage() {
    return this.db
      .selectFrom('cameras')
      .leftJoin('storage_usage', 'storage_usage.camera_id', 'cameras.id')
      .select([
        'cameras.id as cameraId',
        'cameras.quota_bytes as quotaBytes',
        'cameras.retention_days as retentionDays',
        'storage_usage.used_bytes as usedBytes',
        'storage_usage.object_count as objectCount',
        'storage_usage.warned_at as warnedAt',
        'storage_usage.reconciled_at as reconciledAt',
      ]);
  }

  async totalUsedBytes(): Promise<number> {
    const row = await this.db
      .selectFrom('storage_usage')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('used_bytes'), eb.lit(0)).as('total'))
      .executeTakeFirstOrThrow();
    return Number(row.total);
  }

  async setPolicy(
    cameraId: string,
    policy: { quotaBytes?: number | null; retentionDays?: number | null },
  ): Promise<void> {
    await this.db
      .updateTable('cameras')
      .set({
        ...(policy.quotaBytes !== undefined ? { quota_bytes: policy.quotaBytes } : {}),
        ...(policy.retentionDays !== undefined ? { retention_days: policy.retentionDays } : {}),
        updated_at: Date.now(),
      })
      .where('id', '=', cameraId)
      .execute();
  }

  async markWarned(cameraId: string, at: number | null): Promise<void> {
    await this.db
      .insertInto('storage_usage')
      .values({ camera_id: cameraId, warned_at: at })
      .onConflict((oc) => oc.column('camera_id').doUpdateSet({ warned_at: at }))
      .execute();
  }

  /** Replaces the counters with what the bucket listing shows (reconciliation). */
  async setMeasured(cameraId: string, usedBytes: number, objectCount: number, at: number): Promise<void> {
    await this.db
      .insertInto('storage_usage')
      .values({ camera_id: cameraId, used_bytes: usedBytes, object_count: objectCount, reconciled_at: at })
      .onConflict((oc) =>
        oc
          .column('camera_id')
          .doUpdateSet({ used_bytes: usedBytes, object_count: objectCount, reconciled_at: at }),
      )
      .execute();
  }
}

function toUsage(r: {
  cameraId: string;
  quotaBytes: number | null;
  retentionDays: number | null;
  usedBytes: number | null;
  objectCount: number | null;
  warnedAt: number | null;
  reconciledAt: number | null;
}): UsageRow {
  return {
    ...r,
    usedBytes: r.usedBytes ?? 0,
    objectCount: r.objectCount ?? 0,
    warnedAt: r.warnedAt ?? null,
    reconciledAt: r.reconciledAt ?? null,
  };
}
