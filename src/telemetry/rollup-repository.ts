import type { Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import type { DB } from '../db/tables.js';
import type { MetricSummary, SeriesBucket, SeriesSample } from './rollup.js';
import { cameraMetrics, edgeMetrics } from './telemetry-repository.js';

/** A rollup bucket as the API shows it. */
export interface RollupRow {
  edgeId: string;
  cameraId: string;
  bucketStart: number;
  stepSeconds: number;
  metrics: Record<string, MetricSummary>;
}

/**
 * Downsampled telemetry ("buckets" of `stepSeconds`), the watermark of what is rolled up and the
 * buckets late samples touched. The job's read of new samples and its writes happen in one
 * transaction (`inTransaction`), so a report stored meanwhile is either in the read or, landing
 * behind the new watermark, marked dirty.
 */
export class RollupRepository {
  constructor(private readonly db: Db) {}

  inTransaction<T>(work: (tx: RollupTransaction) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => work(new RollupTransaction(trx)));
  }

  async buckets(edgeId: string, stepSeconds: number, from: number, to: number): Promise<RollupRow[]> {
    const rows = await this.db
      .selectFrom('telemetry_buckets as b')
      .innerJoin('telemetry_series as s', 's.id', 'b.series_id')
      .select(['s.camera_id', 'b.bucket_start', 'b.metrics'])
      .where('s.edge_id', '=', edgeId)
      .where('b.step_seconds', '=', stepSeconds)
      .where('b.bucket_start', '>=', from)
      .where('b.bucket_start', '<', to)
      .execute();
    return rows
      .map((r) => ({
        edgeId,
        cameraId: r.camera_id,
        bucketStart: r.bucket_start,
        stepSeconds,
        metrics: Object.fromEntries(
          Object.entries(JSON.parse(r.metrics) as Record<string, [number, number, number, number]>).map(
            ([name, [avg, min, max, count]]) => [name, { avg, min, max, count }],
          ),
        ),
      }))
      .sort((a, b) => a.bucketStart - b.bucketStart || a.cameraId.localeCompare(b.cameraId));
  }

  async deleteBucketsBefore(cutoff: number): Promise<number> {
    const res = await this.db
      .deleteFrom('telemetry_buckets')
      .where('series_id', 'in', (eb) => eb.selectFrom('telemetry_series').select('id'))
      .where('bucket_start', '<', cutoff)
      .executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}

/** The rollup job's reads and writes inside one transaction. */
export class RollupTransaction {
  constructor(private readonly trx: Transaction<DB>) {}

  async rolledUntil(stepSeconds: number): Promise<number | null> {
    const row = await this.trx
      .selectFrom('telemetry_rollup_state')
      .select('rolled_until')
      .where('step_seconds', '=', stepSeconds)
      .executeTakeFirst();
    return row?.rolled_until ?? null;
  }

  async setRolledUntil(stepSeconds: number, until: number): Promise<void> {
    await this.trx
      .insertInto('telemetry_rollup_state')
      .values({ step_seconds: stepSeconds, rolled_until: until })
      .onConflict((oc) => oc.column('step_seconds').doUpdateSet({ rolled_until: until }))
      .execute();
  }

  /** Samples of every series (or of one) in [from, to): one primary-key range per series. */
  async samples(from: number, to: number, seriesId?: number): Promise<SeriesSample[]> {
    const series = this.trx.selectFrom('telemetry_series').select('id');
    let edge = this.trx
      .selectFrom('telemetry_edge_samples')
      .selectAll()
      .where('at', '>=', from)
      .where('at', '<', to);
    let cam = this.trx
      .selectFrom('telemetry_camera_samples')
      .selectAll()
      .where('at', '>=', from)
      .where('at', '<', to);
    if (seriesId === undefined) {
      edge = edge.where('series_id', 'in', series);
      cam = cam.where('series_id', 'in', series);
    } else {
      edge = edge.where('series_id', '=', seriesId);
      cam = cam.where('series_id', '=', seriesId);
    }
    return [
      ...(await edge.execute()).map((r) => ({ seriesId: r.series_id, at: r.at, metrics: edgeMetrics(r) })),
      ...(await cam.execute()).map((r) => ({ seriesId: r.series_id, at: r.at, metrics: cameraMetrics(r) })),
    ];
  }

  /** Writes buckets; a bucket computed again replaces the earlier one (idempotent). */
  async upsertBuckets(stepSeconds: number, rows: SeriesBucket[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 200) {
      await this.trx
        .replaceInto('telemetry_buckets')
        .values(
          rows.slice(i, i + 200).map((r) => ({
            series_id: r.seriesId,
            step_seconds: stepSeconds,
            bucket_start: r.bucketStart,
            metrics: JSON.stringify(
              Object.fromEntries(
                Object.entries(r.metrics).map(([name, m]) => [name, [m.avg, m.min, m.max, m.count]]),
              ),
            ),
          })),
        )
        .execute();
    }
  }

  /** Removes and returns the buckets late samples touched before `before`. */
  async takeDirty(before: number): Promise<{ seriesId: number; bucketStart: number }[]> {
    const rows = await this.trx
      .deleteFrom('telemetry_rollup_dirty')
      .where('bucket_start', '<', before)
      .returning(['series_id', 'bucket_start'])
      .execute();
    return rows.map((r) => ({ seriesId: r.series_id, bucketStart: r.bucket_start }));
  }
}
