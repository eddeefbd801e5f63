/** Shapes of one event's analysis, from detections to the report the owner reads. */
import type { Box, Detection } from '../vision/types.js';

export const FINDING_TYPES = [
  'new_object',
  'missing_object',
  'abnormal_count',
  'abnormal_time',
  'unusual_position',
  'unusual_path',
  'unusual_dwell',
  'scene_change',
] as const;
export type FindingType = (typeof FINDING_TYPES)[number];

export interface FrameAnalysis {
  index: number;
  /** ms since epoch; frames without a capture time are spaced by their index. */
  capturedAt: number;
  width: number;
  height: number;
  detections: Detection[];
  /** Mean brightness 0..1 and its spread (a covered lens gives a tiny spread). */
  brightness: number;
  brightnessStd: number;
  /** frame-features.ts; absent in reports stored before the tamper checks. */
  sharpness?: number;
  saturated?: number;
}

export interface TrackPoint {
  frame: number;
  at: number;
  /** Normalised box (0..1). */
  box: Box;
  score: number;
}

export interface Track {
  id: number;
  label: string;
  points: TrackPoint[];
  /** Seconds between the first and last sighting. */
  dwellSeconds: number;
  /** Normalised image widths per second along the path. */
  speed: number;
  /** Matched to an expected static object of the baseline (a parked car): normal, never alerts. */
  staticMatch: string | null;
}

export interface CaeResult {
  modelId: string;
  modelVersion: string;
  threshold: number;
  /** Per frame. */
  scores: number[];
  /** Share of the error inside detected objects' boxes, per frame (1 = fully explained). */
  explainedShare: number[];
}

export interface Finding {
  type: FindingType;
  score: number;
  /** The object or track the finding is about, when there is one. */
  label?: string;
  trackId?: number;
  box?: Box;
  evidence: Record<string, unknown>;
}

export type RiskLevel = 'critical' | 'warning' | 'normal' | 'false_positive';
