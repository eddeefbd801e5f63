import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildSceneReference } from '../baseline/scene-reference.js';
import { tamperFindings } from './tamper.js';
import type { FrameAnalysis } from './types.js';

const normal = Array.from({ length: 20 }, (_, i) => ({
  light: 'day',
  mean: 0.45 + (i % 5) * 0.01,
  sharpness: 0.08 + (i % 4) * 0.004,
  saturated: 0.001,
}));
const ref = buildSceneReference(normal);
const frame = (over: Partial<FrameAnalysis>): FrameAnalysis => ({
  index: 0,
  capturedAt: 0,
  width: 768,
  height: 576,
  detections: [],
  brightness: 0.46,
  brightnessStd: 0.2,
  sharpness: 0.081,
  saturated: 0.001,
  ...over,
});
const subtypes = (f: FrameAnalysis, light: string | null = 'day') =>
  tamperFindings([f], ref, light).map((x) => x.evidence.subtype);

describe('camera tamper checks', () => {
  it('a normal frame raises nothing', () => {
    assert.deepEqual(subtypes(frame({})), []);
  });
  it('blurred: well under half the least sharp normal snapshot, with the figures as evidence', () => {
    const [f] = tamperFindings([frame({ sharpness: 0.02 })], ref, 'day');
    assert.equal(f?.type, 'scene_change');
    assert.equal(f?.evidence.subtype, 'blurred');
    assert.equal(f?.evidence.normalMin, 0.08);
    assert.deepEqual(subtypes(frame({ sharpness: 0.05 })), [], 'a little softer is not blur');
  });
  it('washed out and too dark against the brightness of the same light', () => {
    assert.deepEqual(subtypes(frame({ saturated: 0.2 })), ['washed_out']);
    assert.deepEqual(subtypes(frame({ brightness: 0.7 })), ['washed_out']);
    assert.deepEqual(subtypes(frame({ brightness: 0.2 })), ['too_dark']);
  });
  it('says nothing in a light the normal snapshots never showed, or with too few snapshots', () => {
    assert.deepEqual(subtypes(frame({ brightness: 0.1, sharpness: 0.01 }), 'night'), []);
    assert.deepEqual(
      tamperFindings([frame({ sharpness: 0.01 })], buildSceneReference(normal.slice(0, 3)), 'day'),
      [],
    );
    assert.deepEqual(tamperFindings([frame({ sharpness: 0.01 })], undefined, 'day'), []);
  });
});
