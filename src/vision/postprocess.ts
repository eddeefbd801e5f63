/**
 * Detection filters and non-maximum suppression, the same for every detector (as Frigate's object
 * filters): per-class score thresholds, min/max box area as a share of the image, min/max aspect
 * ratio (width / height), then class-agnostic or per-class NMS, then the top N by score.
 */
import type { Box, Detection } from './types.js';

export interface DetectionFilters {
  minScore: number;
  /** Per class, overrides minScore, e.g. { person: 0.4, car: 0.5 }. */
  classMinScore: Record<string, number>;
  /** Box area / image area. */
  minArea: number;
  maxArea: number;
  /** Box width / height. */
  minRatio: number;
  maxRatio: number;
  nms: 'agnostic' | 'per_class';
  iouThreshold: number;
  maxDetections: number;
  /** Only these classes, when given. */
  classes?: string[];
}

export const DEFAULT_FILTERS: DetectionFilters = {
  minScore: 0.3,
  classMinScore: {},
  minArea: 0,
  maxArea: 1,
  minRatio: 0,
  maxRatio: Number.POSITIVE_INFINITY,
  nms: 'agnostic',
  iouThreshold: 0.5,
  maxDetections: 100,
};

export function area(b: Box): number {
  return Math.max(0, b.x2 - b.x1) * Math.max(0, b.y2 - b.y1);
}

export function iou(a: Box, b: Box): number {
  const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (area(a) + area(b) - inter);
}

/** Greedy NMS: keep the best box, drop those overlapping it above the threshold, repeat. */
export function nonMaxSuppression(dets: Detection[], iouThreshold: number, perClass: boolean): Detection[] {
  const sorted = [...dets].sort((a, b) => b.score - a.score);
  const kept: Detection[] = [];
  for (const d of sorted) {
    if (kept.some((k) => (!perClass || k.classId === d.classId) && iou(k.box, d.box) > iouThreshold))
      continue;
    kept.push(d);
  }
  return kept;
}

/** Clamps to the image and applies every filter, then NMS. */
export function filterDetections(
  dets: Detection[],
  width: number,
  height: number,
  f: DetectionFilters,
): Detection[] {
  const imageArea = width * height;
  const passing = dets
    .map((d) => ({
      ...d,
      box: {
        x1: Math.max(0, Math.min(width, d.box.x1)),
        y1: Math.max(0, Math.min(height, d.box.y1)),
        x2: Math.max(0, Math.min(width, d.box.x2)),
        y2: Math.max(0, Math.min(height, d.box.y2)),
      },
    }))
    .filter((d) => {
      if (f.classes && !f.classes.includes(d.label)) return false;
      if (d.score < (f.classMinScore[d.label] ?? f.minScore)) return false;
      const a = area(d.box) / imageArea;
      if (a <= 0 || a < f.minArea || a > f.maxArea) return false;
      const ratio = (d.box.x2 - d.box.x1) / (d.box.y2 - d.box.y1);
      return ratio >= f.minRatio && ratio <= f.maxRatio;
    });
  return nonMaxSuppression(passing, f.iouThreshold, f.nms === 'per_class').slice(0, f.maxDetections);
}
