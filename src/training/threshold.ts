/**
 * Anomaly threshold and quality metrics from reconstruction scores, following Anomalib's practice:
 * the threshold comes from held-out NORMAL images only (never from the training images, whose
 * errors are optimistically low), times a margin for the drift of later footage. When
 * abnormal-labelled images exist we report image AUROC, the F1-optimal point and the recall at the
 * threshold, but do not move the threshold to the F1 point: with a handful of held-out normal
 * images that point sits at their maximum, which later normal footage exceeds.
 */
export type ThresholdRule = { rule: 'percentile'; percentile: number } | { rule: 'mean_std'; k: number };

export const DEFAULT_THRESHOLD_RULE: ThresholdRule = { rule: 'percentile', percentile: 99 };

export interface ScoreStats {
  count: number;
  mean: number;
  std: number;
  min: number;
  max: number;
  p50: number;
  p95: number;
  p99: number;
}

/** Linear-interpolated percentile (0..100) of unsorted values. */
export function percentile(values: ArrayLike<number>, p: number): number {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return Number.NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

export function scoreStats(values: ArrayLike<number>): ScoreStats {
  const n = values.length;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    sum += values[i]!;
    min = Math.min(min, values[i]!);
    max = Math.max(max, values[i]!);
  }
  const mean = sum / n;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (values[i]! - mean) ** 2;
  return {
    count: n,
    mean,
    std: Math.sqrt(sq / Math.max(n - 1, 1)),
    min,
    max,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    p99: percentile(values, 99),
  };
}

/** The threshold by the configured rule over held-out normal scores. */
export function normalThreshold(normalScores: ArrayLike<number>, rule: ThresholdRule): number {
  if (normalScores.length === 0) throw new Error('no held-out normal images to calibrate the threshold on');
  if (rule.rule === 'percentile') return percentile(normalScores, rule.percentile);
  const s = scoreStats(normalScores);
  return s.mean + rule.k * s.std;
}

/** Area under the ROC curve, abnormal = positive; ties count half (Mann-Whitney U). */
export function auroc(normal: ArrayLike<number>, abnormal: ArrayLike<number>): number {
  let wins = 0;
  for (let i = 0; i < abnormal.length; i++) {
    for (let j = 0; j < normal.length; j++) {
      if (abnormal[i]! > normal[j]!) wins += 1;
      else if (abnormal[i] === normal[j]) wins += 0.5;
    }
  }
  return wins / (abnormal.length * normal.length);
}

export interface F1Point {
  threshold: number;
  f1: number;
  precision: number;
  recall: number;
}

/** The threshold (a score is anomalous when > threshold) that maximises F1. */
export function f1OptimalThreshold(normal: ArrayLike<number>, abnormal: ArrayLike<number>): F1Point {
  const candidates = [...Array.from(normal), ...Array.from(abnormal)].sort((a, b) => a - b);
  let best: F1Point = { threshold: candidates.at(-1)!, f1: 0, precision: 0, recall: 0 };
  for (const c of candidates) {
    let tp = 0;
    let fp = 0;
    for (let i = 0; i < abnormal.length; i++) if (abnormal[i]! > c) tp++;
    for (let i = 0; i < normal.length; i++) if (normal[i]! > c) fp++;
    const fn = abnormal.length - tp;
    if (tp === 0) continue;
    const precision = tp / (tp + fp);
    const recall = tp / (tp + fn);
    const f1 = (2 * precision * recall) / (precision + recall);
    if (f1 > best.f1) best = { threshold: c, f1, precision, recall };
  }
  return best;
}

export interface Calibration {
  threshold: number;
  source: 'normal_rule' | 'f1_optimal';
  rule: ThresholdRule;
  normal: ScoreStats;
  abnormal?: ScoreStats;
  imageAuroc?: number;
  f1?: F1Point;
  /** Share of held-out normal images above the chosen threshold. */
  falsePositiveRate: number;
  /** Its one-sided 95 % upper bound (a few dozen images cannot show a rate below a few percent). */
  falsePositiveUpper95: number;
  /** The factor the rule's threshold was multiplied by (1 = none). */
  margin: number;
  /** Share of the abnormal-labelled images above the threshold, when there are any. */
  abnormalRecall?: number;
}

/** The one-sided 95 % upper bound of a rate seen `above` times in `n`. */
export function falseTriggerBound(above: number, n: number): number {
  // Clopper-Pearson for 0 events is 1 - 0.05^(1/n) (~3/n, the rule of three); otherwise a Wilson
  // upper bound is close enough for a report.
  if (n === 0) return 1;
  if (above === 0) return 1 - Math.pow(0.05, 1 / n);
  const p = above / n;
  const z = 1.645;
  const centre = p + (z * z) / (2 * n);
  const spread = z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return Math.min(1, (centre + spread) / (1 + (z * z) / n));
}

export function calibrate(
  normalScores: ArrayLike<number>,
  abnormalScores: ArrayLike<number>,
  rule: ThresholdRule,
  margin = 1,
): Calibration {
  const threshold = normalThreshold(normalScores, rule) * margin;
  const base = { rule, normal: scoreStats(normalScores), source: 'normal_rule' as const };
  let extra: Partial<Calibration> = {};
  if (abnormalScores.length > 0) {
    let caught = 0;
    for (let i = 0; i < abnormalScores.length; i++) if (abnormalScores[i]! > threshold) caught++;
    extra = {
      abnormal: scoreStats(abnormalScores),
      imageAuroc: auroc(normalScores, abnormalScores),
      f1: f1OptimalThreshold(normalScores, abnormalScores),
      abnormalRecall: caught / abnormalScores.length,
    };
  }
  let above = 0;
  for (let i = 0; i < normalScores.length; i++) if (normalScores[i]! > threshold) above++;
  return {
    ...base,
    ...extra,
    threshold,
    margin,
    falsePositiveRate: above / normalScores.length,
    falsePositiveUpper95: falseTriggerBound(above, normalScores.length),
  } as Calibration;
}
