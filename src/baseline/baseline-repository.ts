import type { Selectable } from 'kysely';
import type { Db } from '../db/database.js';
import type { BaselinesTable } from '../db/tables.js';
import type { Detection } from '../vision/types.js';

export type BaselineRow = Selectable<BaselinesTable>;

export interface NormalSnapshot {
  id: string;
  blobKey: string;
  width: number;
  height: number;
  capturedAt: number | null;
  conditions: Record<string, string> | null;
}

/** Baselines (versioned per camera) and the per-snapshot detections they are computed from. */
export class BaselineRepository {
  constructor(private readonly db: Db) {}

  /** Every normal snapshot of the camera, across its datasets. */
  async normalSnapshots(cameraId: string): Promise<NormalSnapshot[]> {
    const rows = await this.db
      .selectFrom('snapshots')
      .select(['id', 'blob_key', 'width', 'height', 'captured_at', 'conditions'])
      .where('camera_id', '=', cameraId)
      .where('label', '=', 'normal')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      blobKey: r.blob_key,
      width: r.width,
      height: r.height,
      capturedAt: r.captured_at,
      conditions: r.conditions ? (JSON.parse(r.conditions) as Record<string, string>) : null,
    }));
  }

  async detections(snapshotIds: string[], detector: string): Promise<Map<string, Detection[]>> {
    const out = new Map<string, Detection[]>();
    for (let i = 0; i < snapshotIds.length; i += 500) {
      const rows = await this.db
        .selectFrom('snapshot_detections')
        .select(['snapshot_id', 'detections'])
        .where('detector', '=', detector)
        .where('snapshot_id', 'in', snapshotIds.slice(i, i + 500))
        .execute();
      for (const r of rows) out.set(r.snapshot_id, JSON.parse(r.detections) as Detection[]);
    }
    return out;
  }

  async saveDetections(
    snapshotId: string,
    detector: string,
    detections: Detection[],
    now: number,
  ): Promise<void> {
    await this.db
      .insertInto('snapshot_detections')
      .values({ snapshot_id: snapshotId, detector, detections: JSON.stringify(detections), created_at: now })
      .onConflict((oc) =>
        oc
          .columns(['snapshot_id', 'detector'])
          .doUpdateSet({ detections: JSON.stringify(detections), created_at: now }),
      )
      .execute();
  }

  latest(cameraId: string): Promise<BaselineRow | undefined> {
    return this.db
      .selectFrom('baselines')
      .selectAll()
      .where('camera_id', '=', cameraId)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /** Each camera's newest baseline: which detector built it. */
  async latestDetectors(): Promise<{ cameraId: string; detector: string }[]> {
    const rows = await this.db
      .selectFrom('baselines as b')
      .select(['b.camera_id', 'b.detector'])
      .where(({ eb, selectFrom }) =>
        eb(
          'b.version',
          '=',
          selectFrom('baselines as n')
            .select((e) => e.fn.max('n.version').as('v'))
            .whereRef('n.camera_id', '=', 'b.camera_id'),
        ),
      )
      .execute();
    return rows.map((r) => ({ cameraId: r.camera_id, detector: r.detector }));
  }

  byVersion(cameraId: string, version: number): Promise<BaselineRow | undefined> {
    return this.db
      .selectFrom('baselines')
      .selectAll()
      .where('camera_id', '=', cameraId)
      .where('version', '=', version)
      .executeTakeFirst();
  }

  /** Inserts the next version (in one transaction, so two builds cannot take the same number). */
  async insertNext(row: Omit<BaselineRow, 'version'>): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const last = await trx
        .selectFrom('baselines')
        .select((eb) => eb.fn.max('version').as('v'))
        .where('camera_id', '=', row.camera_id)
        .executeTakeFirst();
      const version = Number(last?.v ?? 0) + 1;
      await trx
        .insertInto('baselines')
        .values({ ...row, version })
        .execute();
      return version;
    });
  }
}
