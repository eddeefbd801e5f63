import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explain, place } from './explanation.js';
import { DEFAULT_RISK_WEIGHTS, scoreRisk } from './risk.js';
import { baselineEvidence, thinBaselineNote } from './baseline-evidence.js';
import { trackObjects } from './tracker.js';
import type { Finding, FrameAnalysis } from './types.js';

const ctx = {
  hour: 14,
  confidence: null,
  incidentEvents: 1,
  falsePositiveShare: 0,
  unconfirmedTrigger: false,
};
const f = (type: Finding['type'], label: string, score = 1): Finding => ({
  type,
  label,
  score,
  evidence: {},
});

describe('risk, explanation and tracking', () => {
  it('people outrank birds, night and bursts raise risk, false-positive history lowers it', () => {
    const person = scoreRisk([f('unusual_position', 'person')], ctx).score;
    const bird = scoreRisk([f('unusual_position', 'bird')], ctx).score;
    assert.ok(person > bird);
    assert.ok(scoreRisk([f('unusual_position', 'person')], { ...ctx, hour: 3 }).score > person);
    assert.ok(scoreRisk([f('unusual_position', 'person')], { ...ctx, incidentEvents: 3 }).score > person);
    assert.ok(scoreRisk([f('unusual_position', 'person')], { ...ctx, falsePositiveShare: 1 }).score < person);
    assert.ok(scoreRisk([f('unusual_position', 'person'), f('abnormal_time', 'person')], ctx).score > person);
    assert.deepEqual(scoreRisk([], { ...ctx, unconfirmedTrigger: true }), {
      score: 0,
      level: 'false_positive',
      factors: [],
    });
    assert.equal(
      scoreRisk([f('scene_change', 'x', 1), f('abnormal_time', 'person')], { ...ctx, hour: 2 }).level,
      'critical',
    );
  });

  it('a thin baseline weighs its statistical findings less and the sentence says so; tampering is not scaled', () => {
    const stats = (snapshots: number, days: number, hoursCovered: number) => ({
      snapshotCount: snapshots,
      days,
      grid: { cols: 8, rows: 6 },
      hours: Array.from({ length: 24 }, (_, h) => (h < hoursCovered ? 1 : 0)),
      conditions: {},
      classes: {},
    });
    const thin = baselineEvidence(stats(50, 1, 1));
    const broad = baselineEvidence(stats(500, 30, 20));
    assert.equal(thin.confidence, 'low');
    assert.equal(broad.confidence, 'high');
    assert.equal(broad.weight, 1);
    assert.ok(thin.weight < 0.7);
    const position = [f('unusual_position', 'person', 0.8)];
    const weak = scoreRisk(position, { ...ctx, baselineWeight: thin.weight });
    assert.ok(weak.score < scoreRisk(position, { ...ctx, baselineWeight: broad.weight }).score);
    assert.deepEqual(weak.factors.at(-1), { factor: 'baseline_evidence', effect: thin.weight });
    const tamper = [f('scene_change', 'x', 1)];
    assert.equal(
      scoreRisk(tamper, { ...ctx, baselineWeight: thin.weight }).score,
      scoreRisk(tamper, ctx).score,
    );
    const finding: Finding = {
      ...position[0]!,
      box: { x1: 0.1, y1: 0.7, x2: 0.2, y2: 0.95 },
      evidence: { cellShare: 0 },
    };
    const text = explain({
      findings: [finding],
      tracks: [],
      hour: 10,
      minute: 0,
      weights: DEFAULT_RISK_WEIGHTS,
      thinBaseline: thinBaselineNote(thin),
    });
    assert.match(text, /, judged against a thin baseline \(50 snapshots from 1 day, 1 hour of the day\)\.$/);
  });

  it('explains in fixed words, naming the place and the dwell', () => {
    assert.equal(place({ x1: 0.1, y1: 0.7, x2: 0.2, y2: 0.95 }), 'in the bottom-left of the view');
    const finding: Finding = {
      type: 'abnormal_time',
      label: 'person',
      trackId: 1,
      box: { x1: 0.1, y1: 0.7, x2: 0.2, y2: 0.95 },
      score: 1,
      evidence: { basis: 'light', light: 'night', seen: 0, of: 214, hour: 3 },
    };
    const track = { id: 1, label: 'person', points: [], dwellSeconds: 48, speed: 0, staticMatch: null };
    assert.equal(
      explain({ findings: [finding], tracks: [track], hour: 3, minute: 12, weights: DEFAULT_RISK_WEIGHTS }),
      'Person in the bottom-left of the view at 03:12, where people are not seen at night (0 of 214 night snapshots); stayed 48 s.',
    );
    assert.equal(
      explain({ findings: [], tracks: [], hour: 9, minute: 5, weights: DEFAULT_RISK_WEIGHTS }),
      'Nothing unusual at 09:05: no objects found.',
    );
  });

  it('tracks one object across frames and keeps two apart', () => {
    const frame = (index: number, x: number): FrameAnalysis => ({
      index,
      capturedAt: 1000 * index,
      width: 100,
      height: 100,
      brightness: 0.5,
      brightnessStd: 0.2,
      detections: [
        { label: 'person', classId: 0, score: 0.9, box: { x1: x, y1: 50, x2: x + 10, y2: 90 } },
        { label: 'person', classId: 0, score: 0.8, box: { x1: 80, y1: 10, x2: 90, y2: 40 } },
      ],
    });
    const tracks = trackObjects([frame(0, 10), frame(1, 18), frame(2, 26)]);
    assert.equal(tracks.length, 2);
    assert.deepEqual(
      tracks[0]!.points.map((p) => p.frame),
      [0, 1, 2],
    );
    assert.equal(tracks[0]!.dwellSeconds, 2);
    assert.ok(Math.abs(tracks[0]!.speed - 0.08) < 1e-9);
  });
});
