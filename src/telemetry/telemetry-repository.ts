import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { Selectable } from 'kysely';
import type { TelemetryCameraSamplesTable, TelemetryEdgeSamplesTable } from '../db/tables/operations.js';

/** A stored sample as the API shows it ('' is the edge itself). */
export interface SampleRow {
  edgeId: string;
  cameraId: string;
  at: number;
  metrics: Record<string, unknown>;
}

export interface EdgeSampleValues {
  cpuPercent: number;
  memoryUsedBytes: number;
  memoryTotalBytes: number;
  diskUsedBytes: number;
  diskTotalBytes: number;
  networkRxBytes: number;
  networkTxBytes: number;
  temperaturesC: Record<string, number>;
  eventQueueLength: number;
  softwareVersion: string;
}

export interface CameraSampleValues {
  cameraId: string;
  online: boolean;
  fps: number;
  lastFrameAt: number | null;
  inferenceLatencyMs: number;
  triggerRatePerHour: number;
  modelVersion: string;
}

/** One report's samples, in the series they belong to. */
export interface ReportSamples {
  edgeId: string;
  at: number;
  edge: EdgeSampleValues;
  cameras: CameraSampleValues[];
}

type EdgeRow = Selectable<TelemetryEdgeSamplesTable>;
type CameraRow = Selectable<TelemetryCameraSamplesTable>;

/**
 * Raw edge telemetry: one integer series per (edge, camera), samples in typed columns clustered by
 * (series, time). A report with the same time as a stored one replaces it (a retried call).
 */
export class TelemetryRepository {
  /** `${edgeId}\0${cameraId}` -> series id; ids are never reused (AUTOINCREMENT). */
  private readonly seriesIds = new Map<string, number>();

  constructor(
    private readonly db: Db,
    /** The rollup step: a sample older than the rollup watermark marks its bucket for recomputing. */
    private readonly rollupStepSeconds: number,
  ) {}

  async insertReport(report: ReportSamples): Promise<void> {
    try {
      await this.insertOnce(report);
    } catch (err) {
      // A cached series of an edge deleted meanwhile: forget the cache and resolve again once.
      if (!/FOREIGN KEY/.test((err as Error).message)) throw err;
      this.seriesIds.clear();
      await this.insertOnce(report);
    }
  }

  private async insertOnce(r: ReportSamples): Promise<void> {
    const edgeSeries = await this.seriesId(r.edgeId, '');
    const cameraSeries = await Promise.all(r.cameras.map((c) => this.seriesId(r.edgeId, c.cameraId)));
    const e = r.edge;
    await this.db.transaction().execute(async (trx) => {
      await trx
        .replaceInto('telemetry_edge_samples')
        .values({
          series_id: edgeSeries,
          at: r.at,
          cpu_percent: e.cpuPercent,
          memory_used_bytes: e.memoryUsedBytes,
          memory_total_bytes: e.memoryTotalBytes,
          disk_used_bytes: e.diskUsedBytes,
          disk_total_bytes: e.diskTotalBytes,
          network_rx_bytes: e.networkRxBytes,
          network_tx_bytes: e.networkTxBytes,
          event_queue_length: e.eventQueueLength,
          temperatures_c: Object.keys(e.temperaturesC).length ? JSON.stringify(e.temperaturesC) : null,
          software_version: e.softwareVersion,
        })
        .execute();
      if (r.cameras.length > 0)
        await trx
          .replaceInto('telemetry_camera_samples')
          .values(
            r.cameras.map((c, i) => ({
              series_id: cameraSeries[i]!,
              at: r.at,
              online: c.online ? 1 : 0,
              fps: c.fps,
              last_frame_at: c.lastFrameAt,
              inference_latency_ms: c.inferenceLatencyMs,
              trigger_rate_per_hour: c.triggerRatePerHour,
              model_version: c.modelVersion,
            })),
          )
          .execute();
      // A late sample (its bucket already rolled up) marks that bucket of each series to redo.
      const stepMs = this.rollupStepSeconds * 1000;
      const bucket = Math.floor(r.at / stepMs) * stepMs;
      const series = [edgeSeries, ...cameraSeries];
      await sql`INSERT OR IGNORE INTO telemetry_rollup_dirty (series_id, bucket_start)
        SELECT value, ${bucket} FROM json_each(${JSON.stringify(series)})
        WHERE EXISTS (SELECT 1 FROM telemetry_rollup_state
                      WHERE step_seconds = ${this.rollupStepSeconds} AND rolled_until > ${r.at})`.execute(
        trx,
      );
    });
  }

  private async seriesId(edgeId: string, cameraId: string): Promise<number> {
    const key = `${edgeId}\u0000${cameraId}`;
    const cached = this.seriesIds.get(key);
    if (cached !== undefined) return cached;
    await this.db
      .insertInto('telemetry_series')
      .values({ edge_id: edgeId, camera_id: cameraId })
      .onConflict((oc) => oc.doNothing())
      .execute();
    const row = await this.db
      .selectFrom('telemetry_series')
      .select('id')
      .where('edge_id', '=', edgeId)
      .where('camera_id', '=', cameraId)
      .executeTakeFirstOrThrow();
    this.seriesIds.set(key, row.id);
    return row.id;
  }

  /** An edge's samples (its own and its cameras') in [from, to), oldest first. */
  async samples(edgeId: string, from: number, to: number): Promise<SampleRow[]> {
    const edgeRows = await this.db
      .selectFrom('telemetry_edge_samples as t')
      .innerJoin('telemetry_series as s', 's.id', 't.series_id')
      .selectAll('t')
      .select('s.camera_id')
      .where('s.edge_id', '=', edgeId)
      .where('t.at', '>=', from)
      .where('t.at', '<', to)
      .execute();
    const cameraRows = await this.db
      .selectFrom('telemetry_camera_samples as t')
      .innerJoin('telemetry_series as s', 's.id', 't.series_id')
      .selectAll('t')
      .select('s.camera_id')
      .where('s.edge_id', '=', edgeId)
      .where('t.at', '>=', from)
      .where('t.at', '<', to)
      .execute();
    return [
      ...edgeRows.map((r) => ({ edgeId, cameraId: '', at: r.at, metrics: edgeMetrics(r) })),
      ...cameraRows.map((r) => ({ edgeId, cameraId: r.camera_id, at: r.at, metrics: cameraMetrics(r) })),
    ].sort((a, b) => a.at - b.at || a.cameraId.localeCompare(b.cameraId));
  }

  /** The samples of an edge's most recent report. */
  async latest(edgeId: string): Promise<SampleRow[]> {
    const last = await this.db
      .selectFrom('telemetry_edge_samples as t')
      .innerJoin('telemetry_series as s', 's.id', 't.series_id')
      .select('t.at')
      .where('s.edge_id', '=', edgeId)
      .where('s.camera_id', '=', '')
      .orderBy('t.at', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!last) return [];
    return this.samples(edgeId, last.at, last.at + 1);
  }

  async oldestSampleAt(): Promise<number | null> {
    const row = await sql<{ at: number | null }>`SELECT min(at) AS at FROM (
        SELECT (SELECT min(at) FROM telemetry_edge_samples WHERE series_id = s.id) AS at FROM telemetry_series s
        UNION ALL
        SELECT (SELECT min(at) FROM telemetry_camera_samples WHERE series_id = s.id) FROM telemetry_series s)`.execute(
      this.db,
    );
    return row.rows[0]?.at ?? null;
  }

  /** Deletes raw samples before `cutoff`, series by series (each a range of the primary key). */
  async deleteSamplesBefore(cutoff: number): Promise<number> {
    let deleted = 0;
    for (const table of ['telemetry_edge_samples', 'telemetry_camera_samples'] as const) {
      const res = await this.db
        .deleteFrom(table)
        .where('series_id', 'in', (eb) => eb.selectFrom('telemetry_series').select('id'))
        .where('at', '<', cutoff)
        .executeTakeFirst();
      deleted += Number(res.numDeletedRows);
    }
    return deleted;
  }
}

/** The metrics object of an edge sample, as reports name them. */
export function edgeMetrics(r: EdgeRow): Record<string, unknown> {
  return {
    cpuPercent: r.cpu_percent,
    memoryUsedBytes: r.memory_used_bytes,
    memoryTotalBytes: r.memory_total_bytes,
    diskUsedBytes: r.disk_used_bytes,
    diskTotalBytes: r.disk_total_bytes,
    networkRxBytes: r.network_rx_bytes,
    networkTxBytes: r.network_tx_bytes,
    temperaturesC: r.temperatures_c ? (JSON.parse(r.temperatures_c) as Record<string, number>) : {},
    eventQueueLength: r.event_queue_length,
    softwareVersion: r.software_version,
  };
}

/** The metrics object of a camera sample, as reports name them. */
export function cameraMetrics(r: CameraRow): Record<string, unknown> {
  return {
    online: r.online === 1,
    fps: r.fps,
    lastFrameAt: r.last_frame_at,
    inferenceLatencyMs: r.inference_latency_ms,
    triggerRatePerHour: r.trigger_rate_per_hour,
    modelVersion: r.model_version,
  };
}
