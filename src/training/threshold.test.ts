import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { auroc, calibrate, f1OptimalThreshold, normalThreshold, percentile } from './threshold.js';

describe('threshold calibration', () => {
  it('percentile interpolates and mean+k*std follows the rule', () => {
    assert.equal(percentile([1, 2, 3, 4, 5], 50), 3);
    assert.equal(percentile([0, 10], 25), 2.5);
    assert.equal(normalThreshold([1, 2, 3, 4, 5], { rule: 'percentile', percentile: 100 }), 5);
    const t = normalThreshold([1, 2, 3], { rule: 'mean_std', k: 2 });
    assert.ok(Math.abs(t - 4) < 1e-9); // mean 2, sample std 1
  });

  it('AUROC is 1 when separated, 0.5 when identical, and counts ties half', () => {
    assert.equal(auroc([1, 2], [3, 4]), 1);
    assert.equal(auroc([1, 2], [1, 2]), 0.5);
    assert.equal(auroc([3, 4], [1, 2]), 0);
  });

  it('F1-optimal threshold separates the classes when possible', () => {
    const best = f1OptimalThreshold([0.1, 0.2, 0.3], [0.5, 0.6]);
    assert.equal(best.f1, 1);
    assert.ok(best.threshold >= 0.3 && best.threshold < 0.5);
  });

  it('uses the normal rule times the margin, and only reports the F1 point and recall of abnormal images', () => {
    const normal = Array.from({ length: 100 }, (_, i) => i / 100);
    const a = calibrate(normal, [], { rule: 'percentile', percentile: 95 });
    assert.equal(a.source, 'normal_rule');
    assert.ok(Math.abs(a.threshold - 0.9405) < 1e-9);
    assert.equal(a.imageAuroc, undefined);
    assert.ok(Math.abs(a.falsePositiveRate - 0.05) < 1e-9);
    assert.ok(a.falsePositiveUpper95 > 0.05 && a.falsePositiveUpper95 < 0.12);
    const b = calibrate(normal, [1.5, 3], { rule: 'percentile', percentile: 95 }, 2);
    assert.equal(b.source, 'normal_rule');
    assert.ok(Math.abs(b.threshold - 1.881) < 1e-9);
    assert.equal(b.imageAuroc, 1);
    assert.equal(b.abnormalRecall, 0.5);
    assert.equal(b.falsePositiveRate, 0);
    // 0 of 100 above: the rule of three, ~3 %.
    assert.ok(Math.abs(b.falsePositiveUpper95 - (1 - 0.05 ** (1 / 100))) < 1e-12);
  });
});
