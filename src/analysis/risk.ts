/**
 * Risk 0-100 and a level from the findings. Each finding contributes weight(type) x score x
 * weight(class); contributions combine like independent evidence (1 - prod(1 - c)), so two weak
 * findings outrank one and nothing exceeds 100. Night, low detector confidence, a burst
 * (incident) and the camera's false-positive history then adjust it. Weights live in config.
 */
import type { Finding, FindingType, RiskLevel } from './types.js';
import { STATISTICAL_FINDINGS } from './baseline-evidence.js';

export interface RiskWeights {
  findings: Record<FindingType, number>;
  /** Per class; vehicles and people weigh more than a bird. */
  classes: Record<string, number>;
  defaultClass: number;
  /** Multiplier between nightStart and nightEnd (local hours). */
  night: number;
  nightStart: number;
  nightEnd: number;
  /** Multiplier when the event is part of an incident with several events. */
  burst: number;
  criticalAt: number;
  warningAt: number;
}

export const DEFAULT_RISK_WEIGHTS: RiskWeights = {
  findings: {
    scene_change: 0.85,
    abnormal_time: 0.75,
    new_object: 0.55,
    unusual_dwell: 0.6,
    unusual_position: 0.55,
    missing_object: 0.5,
    abnormal_count: 0.45,
    unusual_path: 0.4,
  },
  classes: {
    person: 1,
    car: 0.8,
    truck: 0.8,
    bus: 0.7,
    motorcycle: 0.85,
    bicycle: 0.7,
    dog: 0.35,
    cat: 0.25,
    horse: 0.4,
    bird: 0.1,
  },
  defaultClass: 0.5,
  night: 1.25,
  nightStart: 22,
  nightEnd: 6,
  burst: 1.1,
  criticalAt: 70,
  warningAt: 35,
};

export interface RiskContext {
  hour: number;
  /** Mean detector confidence of the objects involved (0..1), null when none. */
  confidence: number | null;
  incidentEvents: number;
  /** Share of this camera's feedback on these finding types that was false_positive (0..1). */
  falsePositiveShare: number;
  /** The server found nothing and its model does not confirm the edge's trigger. */
  unconfirmedTrigger: boolean;
  /** Multiplier for findings that rest on the baseline's statistics (baseline-evidence.ts); 1 = full. */
  baselineWeight?: number;
}

export interface RiskFactor {
  factor: string;
  effect: number;
}

export function scoreRisk(
  findings: Finding[],
  ctx: RiskContext,
  w: RiskWeights = DEFAULT_RISK_WEIGHTS,
): { score: number; level: RiskLevel; factors: RiskFactor[] } {
  if (findings.length === 0) {
    return { score: 0, level: ctx.unconfirmedTrigger ? 'false_positive' : 'normal', factors: [] };
  }
  let keep = 1;
  const factors: RiskFactor[] = [];
  const evidence = ctx.baselineWeight ?? 1;
  for (const f of findings) {
    const cls = f.label ? (w.classes[f.label] ?? w.defaultClass) : 1;
    const thin = STATISTICAL_FINDINGS.has(f.type) ? evidence : 1;
    const c = Math.min(1, w.findings[f.type] * f.score * cls * thin);
    keep *= 1 - c;
    factors.push({ factor: `${f.type}${f.label ? `:${f.label}` : ''}`, effect: Math.round(100 * c) });
  }
  if (evidence < 1 && findings.some((f) => STATISTICAL_FINDINGS.has(f.type)))
    factors.push({ factor: 'baseline_evidence', effect: evidence });
  let score = 100 * (1 - keep);
  const night =
    w.nightStart > w.nightEnd
      ? ctx.hour >= w.nightStart || ctx.hour < w.nightEnd
      : ctx.hour >= w.nightStart && ctx.hour < w.nightEnd;
  if (night) {
    score *= w.night;
    factors.push({ factor: 'night', effect: w.night });
  }
  if (ctx.confidence !== null) {
    const m = 0.7 + 0.3 * ctx.confidence;
    score *= m;
    factors.push({ factor: 'detector_confidence', effect: Number(m.toFixed(2)) });
  }
  if (ctx.incidentEvents >= 3) {
    score *= w.burst;
    factors.push({ factor: 'burst', effect: w.burst });
  }
  if (ctx.falsePositiveShare > 0) {
    const m = 1 - 0.5 * ctx.falsePositiveShare;
    score *= m;
    factors.push({ factor: 'feedback_history', effect: Number(m.toFixed(2)) });
  }
  score = Math.round(Math.max(0, Math.min(100, score)));
  const level: RiskLevel = score >= w.criticalAt ? 'critical' : score >= w.warningAt ? 'warning' : 'normal';
  return { score, level, factors };
}
