import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_FILTERS, filterDetections, iou, nonMaxSuppression } from './postprocess.js';
import type { Detection } from './types.js';

const det = (
  label: string,
  classId: number,
  score: number,
  x1: number,
  y1: number,
  x2: number,
  y2: number,
): Detection => ({
  label,
  classId,
  score,
  box: { x1, y1, x2, y2 },
});

describe('detection post-processing', () => {
  it('IoU of identical, disjoint and half-overlapping boxes', () => {
    const a = { x1: 0, y1: 0, x2: 10, y2: 10 };
    assert.equal(iou(a, a), 1);
    assert.equal(iou(a, { x1: 20, y1: 20, x2: 30, y2: 30 }), 0);
    assert.ok(Math.abs(iou(a, { x1: 5, y1: 0, x2: 15, y2: 10 }) - 1 / 3) < 1e-9);
  });

  it('NMS keeps the best of overlapping boxes; per-class keeps overlapping boxes of different classes', () => {
    const dets = [
      det('car', 2, 0.9, 0, 0, 10, 10),
      det('car', 2, 0.8, 1, 1, 11, 11),
      det('truck', 7, 0.7, 0, 0, 10, 10),
    ];
    assert.deepEqual(
      nonMaxSuppression(dets, 0.5, false).map((d) => d.score),
      [0.9],
    );
    assert.deepEqual(
      nonMaxSuppression(dets, 0.5, true).map((d) => d.label),
      ['car', 'truck'],
    );
  });

  it('filters by per-class score, area share, aspect ratio and class list, and clamps boxes', () => {
    const dets = [
      det('person', 0, 0.35, 10, 10, 30, 60),
      det('car', 2, 0.35, 50, 50, 90, 80),
      det('person', 0, 0.9, 0, 0, 1, 1), // too small
      det('bus', 5, 0.9, -20, 0, 100, 100), // clamped, then too big
      det('bench', 13, 0.9, 0, 90, 100, 91), // ratio 100
    ];
    const out = filterDetections(dets, 100, 100, {
      ...DEFAULT_FILTERS,
      classMinScore: { car: 0.5 },
      minArea: 0.001,
      maxArea: 0.9,
      maxRatio: 10,
    });
    assert.deepEqual(
      out.map((d) => d.label),
      ['person'],
    );
    const clamped = filterDetections([det('bus', 5, 0.9, -20, 0, 50, 50)], 100, 100, DEFAULT_FILTERS);
    assert.equal(clamped[0]!.box.x1, 0);
    assert.deepEqual(
      filterDetections(dets.slice(0, 2), 100, 100, { ...DEFAULT_FILTERS, classes: ['car'] }).map(
        (d) => d.label,
      ),
      ['car'],
    );
  });
});
