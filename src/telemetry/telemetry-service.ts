import type { CameraAccess } from '../edges/camera-access.js';
import type { EdgeIdentity } from '../edges/edge-identity.js';
import { AppError } from '../errors/app-error.js';
import type { LatestTelemetry } from './latest-telemetry.js';
import type { RollupRepository, RollupRow } from './rollup-repository.js';
import type {
  CameraSampleValues,
  EdgeSampleValues,
  SampleRow,
  TelemetryRepository,
} from './telemetry-repository.js';

/** A report before validation: the edge's own values, its cameras', and when it was taken. */
export interface EdgeTelemetry extends EdgeSampleValues {
  at: number;
  cameras: CameraSampleValues[];
}

const MAX_SKEW_MS = 5 * 60_000;
const MAX_AGE_MS = 24 * 3_600_000;

/**
 * Edge telemetry: validated (units, ranges, known cameras of this edge) before it is stored raw; a
 * rollup job keeps 5-minute aggregates after the raw samples expire. Series are read from raw
 * samples when the step is finer than the rollups and they still exist, else from rollups.
 */
export class TelemetryService {
  constructor(
    private readonly repos: { samples: TelemetryRepository; rollups: RollupRepository },
    private readonly access: CameraAccess,
    private readonly settings: { rollupStepSeconds: number; rawRetentionHours: number },
    private readonly latest: LatestTelemetry,
    private readonly now: () => number = Date.now,
  ) {}

  async report(identity: EdgeIdentity, t: EdgeTelemetry): Promise<void> {
    const now = this.now();
    const at = t.at || now;
    const bad = (field: string, why: string): never => {
      throw new AppError('validation_failed', `telemetry ${field}: ${why}`, { field });
    };
    if (at > now + MAX_SKEW_MS) bad('at_ms', 'is in the future; check the edge clock');
    if (at < now - MAX_AGE_MS) bad('at_ms', 'is older than 24 h');
    if (!(t.cpuPercent >= 0 && t.cpuPercent <= 100)) bad('cpu_percent', `${t.cpuPercent} is outside 0..100`);
    if (t.memoryTotalBytes > 0 && t.memoryUsedBytes > t.memoryTotalBytes)
      bad('memory_used_bytes', 'exceeds memory_total_bytes');
    if (t.diskTotalBytes > 0 && t.diskUsedBytes > t.diskTotalBytes)
      bad('disk_used_bytes', 'exceeds disk_total_bytes');
    for (const [sensor, c] of Object.entries(t.temperaturesC)) {
      if (!/^[\w.-]{1,40}$/.test(sensor))
        bad('temperatures_c', `sensor name ${JSON.stringify(sensor.slice(0, 40))} is not allowed`);
      if (!(c >= -60 && c <= 150)) bad('temperatures_c', `${sensor} = ${c} °C is outside -60..150`);
    }
    if (Object.keys(t.temperaturesC).length > 32) bad('temperatures_c', 'at most 32 sensors');
    if (t.cameras.length > 64) bad('cameras', 'at most 64 cameras');
    for (const c of t.cameras) {
      await this.access.assertAllowed(identity, c.cameraId);
      if (!(c.fps >= 0 && c.fps <= 240)) bad('cameras.fps', `${c.cameraId}: ${c.fps} is outside 0..240`);
      if (!(c.inferenceLatencyMs >= 0 && c.inferenceLatencyMs < 600_000))
        bad('cameras.inference_latency_ms', `${c.cameraId}: ${c.inferenceLatencyMs} is not a latency`);
      if (!(c.triggerRatePerHour >= 0 && c.triggerRatePerHour < 1e6))
        bad('cameras.trigger_rate_per_hour', `${c.cameraId}: must be >= 0`);
    }
    await this.repos.samples.insertReport({
      edgeId: identity.edgeId,
      at,
      edge: {
        cpuPercent: t.cpuPercent,
        memoryUsedBytes: t.memoryUsedBytes,
        memoryTotalBytes: t.memoryTotalBytes,
        diskUsedBytes: t.diskUsedBytes,
        diskTotalBytes: t.diskTotalBytes,
        networkRxBytes: t.networkRxBytes,
        networkTxBytes: t.networkTxBytes,
        temperaturesC: t.temperaturesC,
        eventQueueLength: t.eventQueueLength,
        softwareVersion: t.softwareVersion.slice(0, 64),
      },
      cameras: t.cameras.map((c) => ({ ...c, modelVersion: c.modelVersion.slice(0, 64) })),
    });
    this.latest.set(identity.edgeId, {
      at,
      cpuPercent: t.cpuPercent,
      memoryUsedBytes: t.memoryUsedBytes,
      memoryTotalBytes: t.memoryTotalBytes,
      diskUsedBytes: t.diskUsedBytes,
      diskTotalBytes: t.diskTotalBytes,
      eventQueueLength: t.eventQueueLength,
      temperaturesC: t.temperaturesC,
      cameras: new Map(
        t.cameras.map((c) => [
          c.cameraId,
          {
            online: c.online,
            fps: c.fps,
            inferenceLatencyMs: c.inferenceLatencyMs,
            triggerRatePerHour: c.triggerRatePerHour,
          },
        ]),
      ),
    });
  }

  /** Latest sample and a series between from and to at `stepSeconds` (raw when finer than the rollups). */
  async series(
    edgeId: string,
    from: number,
    to: number,
    stepSeconds: number,
  ): Promise<{ latest: SampleRow[]; source: 'raw' | 'rollup'; raw: SampleRow[]; rollups: RollupRow[] }> {
    if (!(to > from)) throw new AppError('validation_failed', '`to` must be after `from`');
    const latest = await this.repos.samples.latest(edgeId);
    const rawFrom = this.now() - this.settings.rawRetentionHours * 3_600_000;
    if (stepSeconds < this.settings.rollupStepSeconds && from >= rawFrom) {
      return { latest, source: 'raw', raw: await this.repos.samples.samples(edgeId, from, to), rollups: [] };
    }
    return {
      latest,
      source: 'rollup',
      raw: [],
      rollups: await this.repos.rollups.buckets(edgeId, this.settings.rollupStepSeconds, from, to),
    };
  }
}
