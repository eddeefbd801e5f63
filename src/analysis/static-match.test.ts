import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chanceMissed, matchStatic } from './reasoning.js';
import type { Track } from './types.js';

const track = (label: string, box: Track['points'][number]['box']) =>
  ({ id: 1, label, points: [{ frame: 0, box, score: 0.5 }], dwellSeconds: 0, speed: 0 }) as unknown as Omit<
    Track,
    'staticMatch'
  >;

describe('tracks on expected static objects', () => {
  const post = {
    label: 'fire hydrant',
    labels: ['fire hydrant', 'person'],
    presence: 0.9,
    snapshots: 9,
    box: { x1: 0.378, y1: 0.321, x2: 0.398, y2: 0.365 },
  };
  const van = { label: 'truck', presence: 1, snapshots: 10, box: { x1: 0.8, y1: 0.07, x2: 0.94, y2: 0.18 } };

  it('a fixture under another of its names is still the fixture; a named one needs the same box', () => {
    const ball = { x1: 0.38, y1: 0.324, x2: 0.396, y2: 0.36 }; // IoU 0.65 with the post
    assert.match(
      matchStatic([track('sports ball', ball)], [post, van], 0.5)[0]!.staticMatch ?? '',
      /^fire hydrant@/,
    );
    // A car where the van always stands, a little off: another vehicle, not the van.
    const car = { x1: 0.83, y1: 0.07, x2: 0.97, y2: 0.18 };
    assert.equal(matchStatic([track('car', car)], [van], 0.5)[0]!.staticMatch, null);
    // The van's own box under another name: the van relabelled.
    assert.match(matchStatic([track('car', van.box)], [van], 0.5)[0]!.staticMatch ?? '', /^truck@/);
    assert.match(matchStatic([track('truck', car)], [van], 0.5)[0]!.staticMatch ?? '', /^truck@/);
  });

  it('an absence counts only where the detector would not have missed the object by chance', () => {
    const always = { label: 'truck', presence: 1, snapshots: 50, box: { x1: 0, y1: 0, x2: 1, y2: 1 } };
    const often = { ...always, presence: 0.7, snapshots: 35 };
    assert.ok(chanceMissed(always, 1) < 0.05);
    assert.ok(chanceMissed(often, 1) > 0.25, 'a post found in 70 % of snapshots');
    assert.ok(chanceMissed(often, 3) > 0.025 && chanceMissed(often, 3) < 0.05);
    // Ten snapshots cannot tell a missing van from one missed frame.
    assert.ok(chanceMissed({ ...always, snapshots: 10 }, 1) > 0.05);
  });
});
