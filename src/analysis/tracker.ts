/**
 * Links one event's detections across its frames into tracks: greedy matching by IoU, falling back
 * to centroid distance (fast movers between sparse frames), same class only.
 */
import { iou } from '../vision/postprocess.js';
import type { Box } from '../vision/types.js';
import type { FrameAnalysis, Track } from './types.js';

const norm = (b: Box, w: number, h: number): Box => ({
  x1: b.x1 / w,
  y1: b.y1 / h,
  x2: b.x2 / w,
  y2: b.y2 / h,
});
const centre = (b: Box) => [(b.x1 + b.x2) / 2, (b.y1 + b.y2) / 2] as const;

export interface TrackerOptions {
  minIou: number;
  /** Max centroid jump between consecutive sightings, in image widths. */
  maxJump: number;
}

export function trackObjects(
  frames: FrameAnalysis[],
  o: TrackerOptions = { minIou: 0.2, maxJump: 0.15 },
): Omit<Track, 'staticMatch'>[] {
  const tracks: Omit<Track, 'staticMatch' | 'dwellSeconds' | 'speed'>[] = [];
  for (const f of frames) {
    const open = new Set(tracks.map((_, i) => i));
    const dets = [...f.detections].sort((a, b) => b.score - a.score);
    for (const d of dets) {
      const box = norm(d.box, f.width, f.height);
      let best = -1;
      let bestCost = Number.POSITIVE_INFINITY;
      for (const i of open) {
        const t = tracks[i]!;
        const last = t.points.at(-1)!;
        if (t.label !== d.label || last.frame === f.index) continue;
        const overlap = iou(last.box, box);
        const [ax, ay] = centre(last.box);
        const [bx, by] = centre(box);
        const jump = Math.hypot(ax - bx, ay - by);
        const cost =
          overlap >= o.minIou ? 1 - overlap : jump <= o.maxJump ? 1 + jump : Number.POSITIVE_INFINITY;
        if (cost < bestCost) {
          bestCost = cost;
          best = i;
        }
      }
      const point = { frame: f.index, at: f.capturedAt, box, score: d.score };
      if (best >= 0) {
        tracks[best]!.points.push(point);
        open.delete(best);
      } else tracks.push({ id: tracks.length + 1, label: d.label, points: [point] });
    }
  }
  return tracks.map((t) => {
    const first = t.points[0]!;
    const last = t.points.at(-1)!;
    const seconds = (last.at - first.at) / 1000;
    let distance = 0;
    for (let i = 1; i < t.points.length; i++) {
      const [ax, ay] = centre(t.points[i - 1]!.box);
      const [bx, by] = centre(t.points[i]!.box);
      distance += Math.hypot(ax - bx, ay - by);
    }
    return { ...t, dwellSeconds: seconds, speed: seconds > 0 ? distance / seconds : 0 };
  });
}
