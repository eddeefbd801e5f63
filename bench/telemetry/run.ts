/**
 * bench/telemetry: 500 edges x 4 cameras reporting every 10 s on a simulated clock, through the
 * real TelemetryService (validation, camera checks, storage) and the rollup job every 5 simulated
 * minutes. Prints the ingest rate, database growth (extrapolated to a day: raw samples are kept
 * 24 h) and the /metrics render time with every edge reported (target: under 100 ms).
 * Run: npm run bench:telemetry [-- --edges 500 --minutes 30]
 * A full simulated day (4.3 M reports, 21.6 M rows): --minutes 1440 (about 20 minutes here).
 * Prints ingest rate, database size and RSS each simulated hour.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { openDatabase } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrator.js';
import { CameraAccess } from '../../src/edges/camera-access.js';
import { CameraRepository } from '../../src/edges/camera-repository.js';
import type { EdgeIdentity } from '../../src/edges/edge-identity.js';
import { registerEdgeMetrics } from '../../src/metrics/edge-metrics.js';
import { LatestTelemetry } from '../../src/telemetry/latest-telemetry.js';
import { ServiceMetrics } from '../../src/metrics/metrics.js';
import { telemetryRollupJob } from '../../src/telemetry/rollup-job.js';
import { RollupRepository } from '../../src/telemetry/rollup-repository.js';
import { TelemetryRepository } from '../../src/telemetry/telemetry-repository.js';
import { TelemetryService } from '../../src/telemetry/telemetry-service.js';
import { arg } from '../support/load.js';

const EDGES = arg('edges', 500);
const MINUTES = arg('minutes', 30);
const CAMERAS = 4;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uvm-bench-tele-'));
const file = path.join(dir, 'bench.sqlite');
const { db, sqlite, close } = openDatabase({ path: file, busyTimeoutMs: 5000 });
migrate(sqlite);

let clock = Date.UTC(2026, 10, 24, 0, 0, 0);
const now = () => clock;
const start = clock;
const identities: EdgeIdentity[] = [];
for (let e = 0; e < EDGES; e++) {
  const id = `edge-${e}`;
  await db
    .insertInto('edges')
    .values({
      id,
      name: id,
      status: 'active',
      cert_fingerprint: randomBytes(32).toString('hex'),
      enrolled_at: start,
      created_at: start,
      updated_at: start,
    } as never)
    .execute();
  for (let c = 0; c < CAMERAS; c++)
    await db
      .insertInto('cameras')
      .values({
        id: `${id}-cam-${c}`,
        edge_id: id,
        name: `cam ${c}`,
        created_at: start,
        updated_at: start,
      } as never)
      .execute();
  identities.push({
    edgeId: id,
    name: id,
    certificateFingerprint: '',
    certificateExpiresAt: 0,
    allowedCameras: null,
    allowedLabels: null,
  });
}
const settings = { rollupStepSeconds: 300, rawRetentionHours: 24, rollupRetentionDays: 30 };
const repos = {
  samples: new TelemetryRepository(db, settings.rollupStepSeconds),
  rollups: new RollupRepository(db),
};
const latest = new LatestTelemetry();
const service = new TelemetryService(
  repos,
  new CameraAccess(new CameraRepository(db)),
  settings,
  latest,
  now,
);
const rollup = telemetryRollupJob(repos, settings, now);
const silent = pino({ level: 'silent' });

console.log(
  `bench/telemetry: ${EDGES} edges x ${CAMERAS} cameras, every 10 s for ${MINUTES} simulated minutes\n`,
);
let reports = 0;
let ingestMs = 0;
let rollupMs = 0;
let rollupMaxMs = 0;
let hourReports = 0;
let hourMs = 0;
const dbMb = () =>
  [file, `${file}-wal`].reduce((sum, f) => sum + (fs.existsSync(f) ? fs.statSync(f).size : 0), 0) / 1048576;
for (let tick = 0; tick < (MINUTES * 60) / 10; tick++) {
  clock = start + tick * 10_000;
  const t0 = performance.now();
  for (const [i, identity] of identities.entries()) {
    await service.report(identity, {
      at: clock,
      cpuPercent: (i * 7 + tick) % 100,
      memoryUsedBytes: 2e9,
      memoryTotalBytes: 8e9,
      diskUsedBytes: 50e9,
      diskTotalBytes: 250e9,
      networkRxBytes: tick * 1e6,
      networkTxBytes: tick * 2e6,
      temperaturesC: { soc: 50 + (tick % 10) },
      eventQueueLength: 0,
      softwareVersion: '1.0.0',
      cameras: Array.from({ length: CAMERAS }, (_, c) => ({
        cameraId: `${identity.edgeId}-cam-${c}`,
        online: true,
        fps: 10,
        lastFrameAt: clock,
        inferenceLatencyMs: 20 + c,
        triggerRatePerHour: 2,
        modelVersion: '1.0.0',
      })),
    });
    reports++;
  }
  const tickMs = performance.now() - t0;
  ingestMs += tickMs;
  hourMs += tickMs;
  hourReports += EDGES;
  if (tick % 30 === 29) {
    const r0 = performance.now();
    await rollup.handler({
      id: 'bench',
      type: rollup.type,
      payload: {},
      attempt: 1,
      maxAttempts: 1,
      signal: new AbortController().signal,
      reportProgress: () => {},
      log: silent,
    });
    const ms = performance.now() - r0;
    rollupMs += ms;
    rollupMaxMs = Math.max(rollupMaxMs, ms);
  }
  if (tick % 360 === 359) {
    // Each simulated hour: is ingest slowing down as the database grows?
    console.log(
      `  hour ${(tick + 1) / 360}: ${(hourReports / (hourMs / 1000)).toFixed(0)} reports/s, database ${dbMb().toFixed(0)} MB, RSS ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB`,
    );
    hourReports = 0;
    hourMs = 0;
  }
}
sqlite.pragma('wal_checkpoint(TRUNCATE)');
const sizeMb = fs.statSync(file).size / 1048576;
const simulatedHours = MINUTES / 60;
console.log(
  `ingest: ${reports} reports (${reports * (CAMERAS + 1)} rows) in ${(ingestMs / 1000).toFixed(1)} s = ${(reports / (ingestMs / 1000)).toFixed(0)} reports/s (needed: ${EDGES / 10}/s)`,
);
console.log(
  `rollup job: ${(rollupMs / Math.max(1, Math.floor(MINUTES / 5))).toFixed(0)} ms per run on average, ${rollupMaxMs.toFixed(0)} ms at most (every 5 simulated minutes)`,
);
const rows = (table: string) =>
  (sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
console.log(
  `database: ${sizeMb.toFixed(1)} MB after ${simulatedHours.toFixed(2)} h (${rows('telemetry_edge_samples') + rows('telemetry_camera_samples')} raw rows, ${rows('telemetry_buckets')} rollup buckets)` +
    (simulatedHours < 24
      ? ` -> about ${((sizeMb / simulatedHours) * 24).toFixed(0)} MB for the 24 h of raw samples kept (extrapolated)`
      : ''),
);
const q0 = performance.now();
const day = await service.series('edge-0', clock - 86_400_000, clock, 300);
const q1 = performance.now();
const hour = await service.series('edge-0', clock - 3_600_000, clock, 10);
const q2 = performance.now();
console.log(
  `series of one edge: a day of 5-minute rollups (${day.rollups.length} buckets) in ${(q1 - q0).toFixed(1)} ms, an hour of raw samples (${hour.raw.length}) in ${(q2 - q1).toFixed(1)} ms`,
);

const metrics = new ServiceMetrics('bench');
registerEdgeMetrics(metrics, latest);
const times: number[] = [];
let bytes = 0;
for (let i = 0; i < 20; i++) {
  const t = performance.now();
  bytes = (await metrics.render()).body.length;
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
console.log(
  `/metrics render with ${latest.size} edges x ${CAMERAS} cameras: p50 ${times[10]!.toFixed(1)} ms, max ${times[19]!.toFixed(1)} ms, ${(bytes / 1024).toFixed(0)} KB (target < 100 ms)`,
);
await close();
fs.rmSync(dir, { recursive: true, force: true });
