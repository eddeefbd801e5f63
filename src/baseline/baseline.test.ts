import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { testService } from '../test-support/service.js';
import { enrolledTestEdge } from '../test-support/edge.js';
import type { BaselineView } from './baseline-service.js';

const fixtures = fileURLToPath(new URL('../../test/fixtures/vtest-baseline/', import.meta.url));

describe('per-camera baseline from real frames of one fixed camera', () => {
  let svc: Awaited<ReturnType<typeof testService>>;
  let edge: Awaited<ReturnType<typeof enrolledTestEdge>>;
  let frames: Buffer[];
  const auth = () => ({ authorization: `Bearer ${svc.adminToken}` });
  const upload = (images: Buffer[]) =>
    edge.datasets.uploadSnapshots(
      (async function* () {
        // Captured by day (10:00-10:09 local time).
        for (const [i, image] of images.entries()) {
          const at = new Date(2026, 10, 24, 10, i).getTime();
          yield {
            cameraId: 'cam-b',
            label: 'normal',
            image,
            capturedAtMs: BigInt(at),
            conditions: { light: 'day', weather: 'clear', season: 'autumn' },
          };
        }
      })(),
    );
  async function waitForVersion(version: number): Promise<BaselineView> {
    for (let i = 0; i < 600; i++) {
      const res = await svc.service.http.inject({ url: '/api/v1/cameras/cam-b/baseline', headers: auth() });
      if (res.statusCode === 200 && res.json().version >= version) return res.json();
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`baseline version ${version} never appeared`);
  }

  before(async () => {
    svc = await testService({
      'edgeApi.port': 0,
      'training.autoTrain': false,
      'vision.workers': 2,
      'jobs.pollIntervalMs': 50,
    });
    await svc.service.edges.start();
    svc.service.jobs.runner.start();
    edge = await enrolledTestEdge(svc.service, 'baseline-edge', ['cam-b']);
    const files = (await readdir(fixtures)).filter((f) => f.endsWith('.jpg')).sort();
    frames = await Promise.all(files.map((f) => readFile(fixtures + f)));
  });
  after(() => svc.close());

  it('lists people on the footpath in its statistics and only the parked vehicles as expected static objects', async () => {
    assert.equal(
      (await svc.service.http.inject({ url: '/api/v1/cameras/cam-b/baseline', headers: auth() })).statusCode,
      404,
    );
    await upload(frames.slice(0, 7));
    const b = await waitForVersion(1); // queued automatically when the dataset grew
    assert.equal(b.snapshotCount, 7);
    assert.match(b.detector, /^centernet@/);
    const stats = b.stats;
    const person = stats.classes.person!;
    assert.equal(person.presence, 1, 'people are in every frame');
    assert.ok(person.count.mean >= 4, `several people per frame (${person.count.mean})`);
    // People walk on the footpath: the middle band of the picture, not the top (road, vehicles).
    const rows = stats.grid.rows;
    const byRow = Array.from({ length: rows }, (_, r) =>
      person.occupancy.slice(r * stats.grid.cols, (r + 1) * stats.grid.cols).reduce((a, v) => a + v, 0),
    );
    const middle = byRow.slice(Math.floor(rows * 0.3), Math.ceil(rows * 0.75)).reduce((a, v) => a + v, 0);
    assert.ok(middle / person.detections > 0.6, `most people stand on the footpath band: ${byRow.join(',')}`);
    assert.deepEqual(stats.hours.slice(10, 11), [7]);
    assert.deepEqual(person.conditions.light, { day: 7 });

    // The parked white van (detected as a truck) and the car top-right, in every frame.
    const vehicles = b.staticObjects.filter((s) => s.label === 'truck' || s.label === 'car');
    assert.deepEqual(vehicles.map((v) => v.label).sort(), ['car', 'truck'], JSON.stringify(b.staticObjects));
    for (const v of vehicles) {
      assert.equal(v.presence, 1);
      assert.ok(v.box.x1 > 0.75 && v.box.y2 < 0.25, `${v.label} is top-right: ${JSON.stringify(v.box)}`);
    }
    // People are never part of the scene: snapshots from a few minutes of one day make none static.
    assert.equal(b.staticObjects.filter((s) => s.label === 'person').length, 0);
  });

  it('an incremental update equals a full rebuild, and the heatmap draws over a snapshot', async () => {
    await upload(frames.slice(7));
    const incremental = await waitForVersion(2);
    assert.equal(incremental.snapshotCount, 10);
    const job = (await svc.service.jobs.queue.list({ type: 'baseline.build', limit: 10 })).find(
      (j) => (j.result as { version?: number } | null)?.version === 2,
    );
    assert.deepEqual(job?.result, { version: 2, snapshots: 10, detected: 3, reused: 7 });

    const res = await svc.service.http.inject({
      method: 'POST',
      url: '/api/v1/cameras/cam-b/baseline',
      headers: auth(),
      payload: { mode: 'full' },
    });
    assert.equal(res.statusCode, 202);
    const full = await waitForVersion(3);
    assert.deepEqual(full.stats, incremental.stats);
    assert.deepEqual(full.staticObjects, incremental.staticObjects);
    const v2 = (
      await svc.service.http.inject({ url: '/api/v1/cameras/cam-b/baseline?version=2', headers: auth() })
    ).json();
    assert.equal(v2.version, 2);

    const png = await svc.service.http.inject({
      url: '/api/v1/cameras/cam-b/baseline/heatmap.png?label=person',
      headers: auth(),
    });
    assert.equal(png.headers['content-type'], 'image/png');
    const meta = await sharp(png.rawPayload).metadata();
    assert.deepEqual([meta.width, meta.height], [768, 576]);
  });
});
