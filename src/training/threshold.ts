/**
 * Anomaly threshold and quality metrics from reconstruction scores, following Anomalib's practice:
 * the threshold comes from held-out NORMAL images only (never from the training images, whose
 * errors are optimistically low); when abnormal-labelled images exist we also report image AUROC
 * and the F1-optimal threshold, and use the latter, because it is measured rather than assumed.
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
}

export function calibrate(
  normalScores: ArrayLike<number>,
  abnormalScores: ArrayLike<number>,
  rule: ThresholdRule,
): Calibration {
  const ruleThreshold = normalThreshold(normalScores, rule);
  const base = { rule, normal: scoreStats(normalScores) };
  let threshold = ruleThreshold;
  let extra: Partial<Calibration> = { source: 'normal_rule' };
  if (abnormalScores.length > 0) {
    const f1 = f1OptimalThreshold(normalScores, abnormalScores);
    extra = { abnormal: scoreStats(abnormalScores), imageAuroc: auroc(normalScores, abnormalScores), f1 };
    if (f1.f1 > 0) {
      threshold = f1.threshold;
      extra.source = 'f1_optimal';
    } else extra.source = 'normal_rule';
  }
  let above = 0;
  for (let i = 0; i < normalScores.length; i++) if (normalScores[i]! > threshold) above++;
  return { ...base, ...extra, threshold, falsePositiveRate: above / normalScores.length } as Calibration;
}
