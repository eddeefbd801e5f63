import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { testDatabase } from '../test-support/db.js';
import { rollUp } from './rollup.js';
import { telemetryRollupJob } from './rollup-job.js';
import { TelemetryRepository } from './telemetry-repository.js';
import { silentLogger } from '../test-support/silent-logger.js';

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0); // on a 5-minute boundary

describe('rollUp', () => {
  it('averages, bounds and counts each numeric metric per bucket, edge and camera', () => {
    const rows = rollUp(
      [
        {
          edgeId: 'e',
          cameraId: '',
          at: T0 + 10_000,
          metrics: { cpuPercent: 10, temperaturesC: { soc: 50 }, softwareVersion: '1.0' },
        },
        {
          edgeId: 'e',
          cameraId: '',
          at: T0 + 70_000,
          metrics: { cpuPercent: 30, temperaturesC: { soc: 54 } },
        },
        {
          edgeId: 'e',
          cameraId: '',
          at: T0 + 299_999,
          metrics: { cpuPercent: 50, temperaturesC: { soc: 52 } },
        },
        { edgeId: 'e', cameraId: '', at: T0 + 300_000, metrics: { cpuPercent: 90 } },
        { edgeId: 'e', cameraId: 'cam', at: T0 + 20_000, metrics: { online: true, fps: 10 } },
        { edgeId: 'e', cameraId: 'cam', at: T0 + 80_000, metrics: { online: false, fps: 0 } },
      ],
      300,
    );
    const first = rows.find((r) => r.cameraId === '' && r.bucketStart === T0)!;
    assert.deepEqual(first.metrics.cpuPercent, { avg: 30, min: 10, max: 50, count: 3 });
    assert.deepEqual(first.metrics['temperaturesC.soc'], { avg: 52, min: 50, max: 54, count: 3 });
    assert.equal(first.metrics.softwareVersion, undefined, 'text is not averaged');
    assert.deepEqual(rows.find((r) => r.bucketStart === T0 + 300_000)!.metrics.cpuPercent, {
      avg: 90,
      min: 90,
      max: 90,
      count: 1,
    });
    const cam = rows.find((r) => r.cameraId === 'cam')!;
    assert.equal(cam.metrics.online!.avg, 0.5, 'online half of the bucket');
    assert.equal(rows.length, 3);
  });
});

describe('telemetry rollup job', () => {
  const handle = testDatabase();
  after(() => handle.cleanup());

  it('keeps rollups of complete buckets and expires raw samples past their retention', async () => {
    const now = T0 + 25 * 3_600_000 + 120_000; // 25 h after T0, inside a bucket
    await handle.db
      .insertInto('edges')
      .values({ id: 'e', name: 'e', status: 'active', enrolled_at: 0, created_at: 0, updated_at: 0 } as never)
      .execute();
    const repo = new TelemetryRepository(handle.db);
    const recent = now - 3_600_000; // an hour ago: rolled up and kept raw
    const old = T0; // 25 h ago: past the 24 h raw retention
    await repo.insertSamples([
      { edgeId: 'e', cameraId: '', at: old + 1_000, metrics: { cpuPercent: 40 } },
      { edgeId: 'e', cameraId: '', at: recent + 1_000, metrics: { cpuPercent: 20 } },
      { edgeId: 'e', cameraId: '', at: recent + 2_000, metrics: { cpuPercent: 60 } },
      { edgeId: 'e', cameraId: '', at: now - 10_000, metrics: { cpuPercent: 99 } }, // current, incomplete bucket
    ]);
    const job = telemetryRollupJob(
      repo,
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
    const result = await run();
    const bucket = Math.floor(recent / 300_000) * 300_000;
    const rollups = await repo.rollups('e', 300, 0, now + 1);
    assert.deepEqual(
      rollups.map((r) => r.bucketStart),
      [bucket],
      'only complete buckets in the late window',
    );
    assert.deepEqual(rollups[0]!.metrics.cpuPercent, { avg: 40, min: 20, max: 60, count: 2 });
    assert.equal(result.expiredSamples, 1, 'the 25 h old sample expired');
    assert.equal((await repo.samples('e', 0, now + 1)).length, 3);
    // Running again changes nothing (idempotent).
    await run();
    assert.deepEqual((await repo.rollups('e', 300, 0, now + 1))[0]!.metrics.cpuPercent, {
      avg: 40,
      min: 20,
      max: 60,
      count: 2,
    });
  });
});
