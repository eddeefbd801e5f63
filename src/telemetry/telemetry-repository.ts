import type { Db } from '../db/database.js';

export interface SampleRow {
  edgeId: string;
  /** '' for the edge itself. */
  cameraId: string;
  at: number;
  metrics: Record<string, unknown>;
}

export interface RollupRow {
  edgeId: string;
  cameraId: string;
  bucketStart: number;
  stepSeconds: number;
  metrics: Record<string, { avg: number; min: number; max: number; count: number }>;
}

/** Raw edge telemetry samples and their downsampled rollups. */
export class TelemetryRepository {
  constructor(private readonly db: Db) {}

  async insertSamples(rows: SampleRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db
      .insertInto('telemetry_samples')
      .values(
        rows.map((r) => ({
          edge_id: r.edgeId,
          camera_id: r.cameraId || null,
          at: r.at,
          metrics: JSON.stringify(r.metrics),
        })),
      )
      .execute();
  }

  async samples(edgeId: string, from: number, to: number): Promise<SampleRow[]> {
    const rows = await this.db
      .selectFrom('telemetry_samples')
      .selectAll()
      .where('edge_id', '=', edgeId)
      .where('at', '>=', from)
      .where('at', '<', to)
      .orderBy('at')
      .execute();
    return rows.map(toSample);
  }

  async latest(edgeId: string): Promise<SampleRow[]> {
    const last = await this.db
      .selectFrom('telemetry_samples')
      .select((eb) => eb.fn.max<number>('at').as('at'))
      .where('edge_id', '=', edgeId)
      .executeTakeFirst();
    if (!last?.at) return [];
    return this.samples(edgeId, last.at, last.at + 1);
  }

  /** Samples in [from, to) of every edge, for rolling up. */
  async samplesBetween(from: number, to: number): Promise<SampleRow[]> {
    const rows = await this.db
      .selectFrom('telemetry_samples')
      .selectAll()
      .where('at', '>=', from)
      .where('at', '<', to)
      .orderBy('at')
      .execute();
    return rows.map(toSample);
  }

  /** Writes rollups; a bucket computed again replaces the earlier one (idempotent). */
  async upsertRollups(rows: RollupRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (const r of rows) {
        const values = {
          edge_id: r.edgeId,
          camera_id: r.cameraId,
          bucket_start: r.bucketStart,
          step_seconds: r.stepSeconds,
          metrics: JSON.stringify(r.metrics),
        };
        await trx
          .insertInto('telemetry_rollups')
          .values(values)
          .onConflict((oc) =>
            oc
              .columns(['edge_id', 'camera_id', 'step_seconds', 'bucket_start'])
              .doUpdateSet({ metrics: values.metrics }),
          )
          .execute();
      }
    });
  }

  async rollups(edgeId: string, stepSeconds: number, from: number, to: number): Promise<RollupRow[]> {
    const rows = await this.db
      .selectFrom('telemetry_rollups')
      .selectAll()
      .where('edge_id', '=', edgeId)
      .where('step_seconds', '=', stepSeconds)
      .where('bucket_start', '>=', from)
      .where('bucket_start', '<', to)
      .orderBy('bucket_start')
      .execute();
    return rows.map((r) => ({
      edgeId: r.edge_id,
      cameraId: r.camera_id,
      bucketStart: r.bucket_start,
      stepSeconds: r.step_seconds,
      metrics: JSON.parse(r.metrics),
    }));
  }

  async oldestSampleAt(): Promise<number | null> {
    const row = await this.db
      .selectFrom('telemetry_samples')
      .select((eb) => eb.fn.min<number>('at').as('at'))
      .executeTakeFirst();
    return row?.at ?? null;
  }

  async deleteSamplesBefore(cutoff: number): Promise<number> {
    const res = await this.db.deleteFrom('telemetry_samples').where('at', '<', cutoff).executeTakeFirst();
    return Number(res.numDeletedRows);
  }

  async deleteRollupsBefore(cutoff: number): Promise<number> {
    const res = await this.db
      .deleteFrom('telemetry_rollups')
      .where('bucket_start', '<', cutoff)
      .executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}

/** A stored sample row as the service sees it ('' is the edge itself). */
function toSample(r: { edge_id: string; camera_id: string | null; at: number; metrics: string }): SampleRow {
  return {
    edgeId: r.edge_id,
    cameraId: r.camera_id ?? '',
    at: r.at,
    metrics: JSON.parse(r.metrics) as Record<string, unknown>,
  };
}
