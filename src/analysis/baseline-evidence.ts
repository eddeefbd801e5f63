/**
 * How much the baseline has seen, and so how far its statistics can be trusted: 100 snapshots
 * from a few minutes of one afternoon say little about where people walk or how many cars park
 * at night; 500 over a month say a lot. The findings that rest on those statistics (position,
 * count, path, dwell, missing object) weigh less in the risk while the evidence is thin, and the
 * report and its sentence say so. New objects and camera tampering do not rest on them, nor does
 * a person at an hour when nobody is normally there (the night itself is the risk).
 */
import type { BaselineStats } from '../baseline/baseline-stats.js';
import type { FindingType } from './types.js';

export interface BaselineEvidence {
  snapshots: number;
  days: number;
  /** Hours of the day (0-23) with at least one snapshot. */
  hoursCovered: number;
  /** 0 (one burst of a few frames) .. 1 (a week or more, most hours, hundreds of snapshots). */
  breadth: number;
  confidence: 'low' | 'medium' | 'high';
  /** Multiplier on the statistical findings' risk contributions. */
  weight: number;
}

export const STATISTICAL_FINDINGS: ReadonlySet<FindingType> = new Set([
  'unusual_position',
  'abnormal_count',
  'unusual_path',
  'unusual_dwell',
  'missing_object',
]);

export function baselineEvidence(stats: BaselineStats): BaselineEvidence {
  const days = stats.days ?? 1;
  const hoursCovered = stats.hours.filter((h) => h > 0).length;
  const breadth =
    0.5 * Math.min(1, days / 7) +
    0.3 * Math.min(1, hoursCovered / 12) +
    0.2 * Math.min(1, stats.snapshotCount / 300);
  return {
    snapshots: stats.snapshotCount,
    days,
    hoursCovered,
    breadth: Number(breadth.toFixed(2)),
    confidence: breadth < 0.34 ? 'low' : breadth < 0.67 ? 'medium' : 'high',
    weight: Number((0.6 + 0.4 * breadth).toFixed(2)),
  };
}

/** The clause the explanation gets when a statistical finding leads on thin evidence. */
export function thinBaselineNote(e: BaselineEvidence): string {
  const hours = `${e.hoursCovered} hour${e.hoursCovered === 1 ? '' : 's'} of the day`;
  return `judged against a thin baseline (${e.snapshots} snapshots from ${e.days} day${e.days === 1 ? '' : 's'}, ${hours})`;
}
