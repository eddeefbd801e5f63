import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { testDatabase } from '../test-support/db.js';
import { rollUp } from './rollup.js';
import { telemetryRollupJob } from './rollup-job.js';
import { RollupRepository } from './rollup-repository.js';
import { TelemetryRepository, type EdgeSampleValues } from './telemetry-repository.js';
import { silentLogger } from '../test-support/silent-logger.js';

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0); // on a 5-minute boundary

describe('rollUp', () => {
  it('averages, bounds and counts each numeric metric per bucket and series', () => {
    const rows = rollUp(
      [
        {
          seriesId: 1,
          at: T0 + 10_000,
          metrics: { cpuPercent: 10, temperaturesC: { soc: 50 }, softwareVersion: '1.0' },
        },
        {
          seriesId: 1,
          at: T0 + 70_000,
          metrics: { cpuPercent: 30, temperaturesC: { soc: 54 } },
        },
        {
          seriesId: 1,
          at: T0 + 299_999,
          metrics: { cpuPercent: 50, temperaturesC: { soc: 52 } },
        },
        { seriesId: 1, at: T0 + 300_000, metrics: { cpuPercent: 90 } },
        { seriesId: 2, at: T0 + 20_000, metrics: { online: true, fps: 10 } },
        { seriesId: 2, at: T0 + 80_000, metrics: { online: false, fps: 0 } },
      ],
      300,
    );
    const first = rows.find((r) => r.seriesId === 1 && r.bucketStart === T0)!;
    assert.deepEqual(first.metrics.cpuPercent, { avg: 30, min: 10, max: 50, count: 3 });
    assert.deepEqual(first.metrics['temperaturesC.soc'], { avg: 52, min: 50, max: 54, count: 3 });
    assert.equal(first.metrics.softwareVersion, undefined, 'text is not averaged');
    assert.deepEqual(rows.find((r) => r.bucketStart === T0 + 300_000)!.metrics.cpuPercent, {
      avg: 90,
      min: 90,
      max: 90,
      count: 1,
    });
    const cam = rows.find((r) => r.seriesId === 2)!;
    assert.equal(cam.metrics.online!.avg, 0.5, 'online half of the bucket');
    assert.equal(rows.length, 3);
  });
});

describe('telemetry rollup job', () => {
  const handle = testDatabase();
  after(() => handle.cleanup());
  const samples = new TelemetryRepository(handle.db, 300);
  const rollups = new RollupRepository(handle.db);
  let now = T0 + 25 * 3_600_000 + 120_000; // 25 h after T0, inside a bucket
  const job = telemetryRollupJob(
    { samples, rollups },
    { rollupStepSeconds: 300, rawRetentionHours: 24, rollupRetentionDays: 30 },
    () => now,
  );
  const run = () =>
    job.handler({
      id: 'j',
      type: job.type,
      payload: {},
      attempt: 1,
      maxAttempts: 1,
      signal: new AbortController().signal,
      reportProgress: () => {},
      log: silentLogger,
    });
  const edge = (cpuPercent: number): EdgeSampleValues => ({
    cpuPercent,
    memoryUsedBytes: 1,
    memoryTotalBytes: 2,
    diskUsedBytes: 1,
    diskTotalBytes: 2,
    networkRxBytes: 0,
    networkTxBytes: 0,
    temperaturesC: { soc: cpuPercent / 2 },
    eventQueueLength: 0,
    softwareVersion: '1.0.0',
  });
  const camera = (online: boolean) => ({
    cameraId: 'cam',
    online,
    fps: online ? 10 : 0,
    lastFrameAt: null,
    inferenceLatencyMs: 20,
    triggerRatePerHour: 1,
    modelVersion: '1.0.0',
  });
  const report = (at: number, cpu: number, cameras = [camera(true)]) =>
    samples.insertReport({ edgeId: 'e', at, edge: edge(cpu), cameras });

  it('rolls up complete buckets once, expires raw samples past retention, and reruns change nothing', async () => {
    await handle.db
      .insertInto('edges')
      .values({ id: 'e', name: 'e', status: 'active', enrolled_at: 0, created_at: 0, updated_at: 0 } as never)
      .execute();
    const recent = now - 3_600_000; // an hour ago: rolled up and kept raw
    await report(T0 + 1_000, 40); // 25 h ago: past the 24 h raw retention
    await report(recent + 1_000, 20, [camera(true)]);
    await report(recent + 2_000, 60, [camera(false)]);
    await report(now - 10_000, 99); // current, incomplete bucket
    const result = await run();
    const bucket = Math.floor(recent / 300_000) * 300_000;
    const rows = await rollups.buckets('e', 300, 0, now + 1);
    assert.deepEqual(
      rows.map((r) => [r.bucketStart, r.cameraId]),
      [
        [T0, ''],
        [T0, 'cam'],
        [bucket, ''],
        [bucket, 'cam'],
      ],
      'every complete bucket of the edge and its camera, not the current one',
    );
    const edgeBucket = rows.find((r) => r.bucketStart === bucket && r.cameraId === '')!;
    assert.deepEqual(edgeBucket.metrics.cpuPercent, { avg: 40, min: 20, max: 60, count: 2 });
    assert.deepEqual(edgeBucket.metrics['temperaturesC.soc'], { avg: 20, min: 10, max: 30, count: 2 });
    assert.equal(
      rows.find((r) => r.bucketStart === bucket && r.cameraId === 'cam')!.metrics.online!.avg,
      0.5,
    );
    assert.equal(result.buckets, 4);
    assert.equal(result.expiredSamples, 2, 'the 25 h old edge and camera samples expired');
    const raw = await samples.samples('e', 0, now + 1);
    assert.equal(raw.length, 6, 'three reports of an edge and a camera sample each');
    assert.deepEqual(raw[0]!.metrics.temperaturesC, { soc: 10 });
    assert.equal(raw[1]!.metrics.online, true);

    const again = await run();
    assert.equal(again.buckets, 0, 'nothing new since the watermark');
    assert.deepEqual(await rollups.buckets('e', 300, 0, now + 1), rows);
  });

  it('recomputes a bucket that a late sample lands in, and only that one', async () => {
    const bucket = Math.floor((now - 3_600_000) / 300_000) * 300_000;
    await report(bucket + 3_000, 100, []); // uploaded late by an edge that was offline
    now += 300_000; // the next run, one bucket later
    const result = await run();
    assert.equal(result.lateBuckets, 1);
    const edgeBucket = (await rollups.buckets('e', 300, bucket, bucket + 1)).find((r) => r.cameraId === '')!;
    assert.deepEqual(edgeBucket.metrics.cpuPercent, { avg: 60, min: 20, max: 100, count: 3 });
    assert.equal(result.buckets, 2, 'the bucket that became complete (the report at 99 %), edge and camera');
    assert.equal((await run()).lateBuckets, 0, 'dirty marks are consumed');
  });

  it('replaces a report sent twice with the same time instead of counting it twice', async () => {
    const at = now - 5_000;
    await report(at, 10);
    await report(at, 10);
    assert.equal((await samples.samples('e', at, at + 1)).filter((s) => s.cameraId === '').length, 1);
  });
});
