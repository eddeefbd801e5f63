import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildBaselineStats, cellOf, distribution, type SnapshotDetections } from './baseline-stats.js';

const snap = (
  id: string,
  dets: [string, number, number, number, number][],
  hour = 12,
): SnapshotDetections => ({
  snapshotId: id,
  width: 100,
  height: 100,
  capturedAt: new Date(2026, 0, 1, hour).getTime(),
  conditions: { light: hour < 7 || hour > 19 ? 'night' : 'day' },
  detections: dets.map(([label, x1, y1, x2, y2]) => ({
    label,
    classId: 0,
    score: 0.8,
    box: { x1, y1, x2, y2 },
  })),
});

describe('baseline statistics', () => {
  it('distribution and grid cells', () => {
    assert.deepEqual(distribution([1, 2, 3, 4]), {
      mean: 2.5,
      std: Math.sqrt(1.25),
      min: 1,
      max: 4,
      p50: 3,
      p90: 4,
      p99: 4,
    });
    // bottom-centre (0.5, 1.0) -> last row, middle column of a 4x4 grid
    assert.equal(cellOf({ x1: 0.4, y1: 0.5, x2: 0.6, y2: 1 }, { cols: 4, rows: 4 }), 14);
  });

  it('counts, presence, hours, conditions, static objects; independent of input order', () => {
    const snaps = [
      snap(
        'a',
        [
          ['car', 70, 5, 90, 20],
          ['person', 10, 40, 20, 80],
        ],
        9,
      ),
      snap(
        'b',
        [
          ['car', 71, 5, 91, 21],
          ['person', 50, 40, 60, 80],
          ['person', 30, 40, 40, 80],
        ],
        10,
      ),
      snap('c', [['car', 70, 6, 90, 20]], 23),
      snap('d', [['person', 80, 40, 90, 80]], 11),
    ];
    const { stats, staticObjects } = buildBaselineStats(snaps);
    assert.equal(stats.snapshotCount, 4);
    assert.equal(stats.classes.car!.presence, 0.75);
    assert.equal(stats.classes.person!.count.max, 2);
    assert.deepEqual(stats.classes.person!.count.histogram, { 0: 1, 1: 2, 2: 1 });
    assert.equal(stats.classes.car!.hours[23], 1);
    assert.deepEqual(stats.classes.car!.conditions.light, { day: 2, night: 1 });
    assert.deepEqual(stats.conditions.light, { day: 3, night: 1 });
    assert.equal(
      stats.classes.person!.occupancy.reduce((a, b) => a + b, 0),
      4,
    );
    assert.deepEqual(
      staticObjects.map((s) => [s.label, s.snapshots]),
      [['car', 3]],
    );
    assert.ok(Math.abs(staticObjects[0]!.box.x1 - 0.7) < 1e-9);
    const shuffled = buildBaselineStats([snaps[3]!, snaps[1]!, snaps[0]!, snaps[2]!]);
    assert.deepEqual(shuffled, { stats, staticObjects });
  });

  it('a person standing still is static only when seen there on different days', () => {
    const standing = (id: string, at: number) => ({
      snapshotId: id,
      width: 100,
      height: 100,
      capturedAt: at,
      conditions: null,
      detections: [{ classId: 0, label: 'person', score: 0.9, box: { x1: 10, y1: 40, x2: 20, y2: 80 } }],
    });
    const minutes = [0, 1, 2, 3].map((m) => standing(`m${m}`, Date.UTC(2026, 5, 1, 10, m)));
    assert.deepEqual(buildBaselineStats(minutes).staticObjects, [], 'one morning: not part of the scene');
    const days = [1, 2, 3, 4].map((d) => standing(`d${d}`, Date.UTC(2026, 5, d, 10)));
    assert.deepEqual(
      buildBaselineStats(days).staticObjects.map((s) => s.label),
      ['person'],
      'the same spot on four days: a figure that belongs there',
    );
  });

  it('a fixture the detector names differently from frame to frame is one static object, named by its fixed class', () => {
    const post: [string, number, number, number, number] = ['fire hydrant', 40, 30, 43, 36];
    const names = ['fire hydrant', 'person', 'fire hydrant', 'person', 'sports ball', 'person'];
    const snaps = names.map((label, i) =>
      snap(`s${i}`, [[label, ...(post.slice(1) as [number, number, number, number])]]),
    );
    const statics = buildBaselineStats(snaps).staticObjects;
    assert.equal(statics.length, 1);
    assert.equal(statics[0]!.label, 'fire hydrant');
    assert.deepEqual(statics[0]!.labels, ['person', 'fire hydrant', 'sports ball']);
    assert.equal(statics[0]!.presence, 1);
    // Only ever people at one spot (on one day): still not part of the scene.
    const people = names.map((_, i) => snap(`p${i}`, [['person', 40, 30, 43, 36]]));
    assert.deepEqual(buildBaselineStats(people).staticObjects, []);
  });
});
