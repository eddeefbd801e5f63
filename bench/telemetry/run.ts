/**
 * bench/telemetry: 500 edges x 4 cameras reporting every 10 s on a simulated clock, through the
 * real TelemetryService (validation, camera checks, storage) and the rollup job every 5 simulated
 * minutes. Prints the ingest rate, database growth (extrapolated to a day: raw samples are kept
 * 24 h) and the /metrics render time with every edge reported (target: under 100 ms).
 * Run: npm run bench:telemetry [-- --edges 500 --minutes 30]
 * A full simulated day (4.3 M reports) is possible with --minutes 1440 but takes long here.
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
import { registerEdgeMetrics } from '../../src/telemetry/edge-metrics.js';
import { LatestTelemetry } from '../../src/telemetry/latest-telemetry.js';
import { ServiceMetrics } from '../../src/telemetry/metrics.js';
import { telemetryRollupJob } from '../../src/telemetry/rollup-job.js';
import { TelemetryRepository } from '../../src/telemetry/telemetry-repository.js';
import { TelemetryService } from '../../src/telemetry/telemetry-service.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
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
const repo = new TelemetryRepository(db);
const latest = new LatestTelemetry();
const settings = { rollupStepSeconds: 300, rawRetentionHours: 24, rollupRetentionDays: 30 };
const service = new TelemetryService(repo, new CameraAccess(new CameraRepository(db)), settings, latest, now);
const rollup = telemetryRollupJob(repo, settings, now);
const silent = pino({ level: 'silent' });

console.log(
  `bench/telemetry: ${EDGES} edges x ${CAMERAS} cameras, every 10 s for ${MINUTES} simulated minutes\n`,
);
let reports = 0;
let ingestMs = 0;
let rollupMs = 0;
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
  ingestMs += performance.now() - t0;
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
    rollupMs += performance.now() - r0;
  }
}
sqlite.pragma('wal_checkpoint(TRUNCATE)');
const sizeMb = fs.statSync(file).size / 1048576;
const simulatedHours = MINUTES / 60;
console.log(
  `ingest: ${reports} reports (${reports * (CAMERAS + 1)} rows) in ${(ingestMs / 1000).toFixed(1)} s = ${(reports / (ingestMs / 1000)).toFixed(0)} reports/s (needed: ${EDGES / 10}/s)`,
);
console.log(
  `rollup job: ${(rollupMs / Math.max(1, Math.floor(MINUTES / 5))).toFixed(0)} ms per run (every 5 simulated minutes)`,
);
console.log(
  `database: ${sizeMb.toFixed(1)} MB after ${simulatedHours.toFixed(2)} h -> about ${((sizeMb / simulatedHours) * 24).toFixed(0)} MB for the 24 h of raw samples kept (extrapolated)`,
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
