/**
 * The per-camera inventory of normal objects, computed from the detections on the camera's normal
 * snapshots: per class, how often it is present, how many there are, where (occupancy grid by box
 * bottom-centre, as Frigate places objects in zones), how big, at which hours and in which
 * conditions; and the expected static objects (present at a stable place in most snapshots).
 * A pure function of its input (sorted by snapshot id), so an incremental update that only
 * detects new snapshots gives exactly the same inventory as a full rebuild.
 */
import type { SceneReference } from './scene-reference.js';
import { iou } from '../vision/postprocess.js';
import type { Box, Detection } from '../vision/types.js';

export interface SnapshotDetections {
  snapshotId: string;
  width: number;
  height: number;
  capturedAt: number | null;
  conditions: Record<string, string> | null;
  detections: Detection[];
}

export interface BaselineOptions {
  gridCols: number;
  gridRows: number;
  /** Two boxes of one class in different snapshots are the same object above this IoU. */
  staticIou: number;
  /** Share of snapshots a cluster must appear in to be an expected static object. */
  staticPresence: number;
}

export const DEFAULT_BASELINE_OPTIONS: BaselineOptions = {
  gridCols: 16,
  gridRows: 12,
  staticIou: 0.5,
  staticPresence: 0.6,
};

export interface Distribution {
  mean: number;
  std: number;
  min: number;
  max: number;
  p50: number;
  p90: number;
  p99: number;
}

export interface ClassStats {
  label: string;
  /** Share of snapshots with at least one. */
  presence: number;
  snapshotsWith: number;
  detections: number;
  /** Count per snapshot, including snapshots with none. */
  count: Distribution & { histogram: Record<string, number> };
  /** Detections per grid cell (row-major, gridRows x gridCols), by box bottom-centre. */
  occupancy: number[];
  /** Box width, height and area as shares of the image. */
  width: Distribution;
  height: Distribution;
  area: Distribution;
  /** Snapshots with this class per hour of day (local time of capture), 24 entries. */
  hours: number[];
  /** Snapshots with this class per condition value, e.g. { light: { day: 30, night: 2 } }. */
  conditions: Record<string, Record<string, number>>;
  meanScore: number;
}

export interface StaticObject {
  label: string;
  /** Every name the detector gave it, most frequent first, when it gave more than one. */
  labels?: string[];
  /** Median box, as shares of the image (x1, y1, x2, y2 in 0..1). */
  box: Box;
  presence: number;
  snapshots: number;
}

export interface BaselineStats {
  snapshotCount: number;
  /** Distinct calendar days the snapshots were taken on (absent in baselines built before it). */
  days?: number;
  grid: { cols: number; rows: number };
  /** Snapshots per hour of day and per condition value (the denominators for the class figures). */
  hours: number[];
  conditions: Record<string, Record<string, number>>;
  classes: Record<string, ClassStats>;
  /** The pictures' own statistics (tamper checks); absent in baselines built before them. */
  scene?: SceneReference;
}

export function distribution(values: number[]): Distribution {
  if (values.length === 0) return { mean: 0, std: 0, min: 0, max: 0, p50: 0, p90: 0, p99: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length;
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.round((p / 100) * (sorted.length - 1)))]!;
  return {
    mean,
    std: Math.sqrt(variance),
    min: sorted[0]!,
    max: sorted.at(-1)!,
    p50: at(50),
    p90: at(90),
    p99: at(99),
  };
}

const median = (v: number[]) => distribution(v).p50;

/** Grid cell (row-major) of a box's bottom-centre in normalised coordinates. */
export function cellOf(box: Box, grid: { cols: number; rows: number }): number {
  const cx = (box.x1 + box.x2) / 2;
  const col = Math.min(grid.cols - 1, Math.max(0, Math.floor(cx * grid.cols)));
  const row = Math.min(grid.rows - 1, Math.max(0, Math.floor(box.y2 * grid.rows)));
  return row * grid.cols + col;
}

export function normalise(box: Box, width: number, height: number): Box {
  return { x1: box.x1 / width, y1: box.y1 / height, x2: box.x2 / width, y2: box.y2 / height };
}

function hourOf(ms: number | null): number | null {
  return ms === null ? null : new Date(ms).getHours();
}

export function buildBaselineStats(
  input: SnapshotDetections[],
  o: BaselineOptions = DEFAULT_BASELINE_OPTIONS,
): { stats: BaselineStats; staticObjects: StaticObject[] } {
  const snaps = [...input].sort((a, b) =>
    a.snapshotId < b.snapshotId ? -1 : a.snapshotId > b.snapshotId ? 1 : 0,
  );
  const n = snaps.length;
  const grid = { cols: o.gridCols, rows: o.gridRows };
  const hours = new Array<number>(24).fill(0);
  const conditions: Record<string, Record<string, number>> = {};
  const labels = [...new Set(snaps.flatMap((s) => s.detections.map((d) => d.label)))].sort();
  const perClass: Record<
    string,
    {
      counts: number[];
      boxes: Box[];
      scores: number[];
      hours: number[];
      conditions: Record<string, Record<string, number>>;
    }
  > = {};
  for (const label of labels)
    perClass[label] = {
      counts: [],
      boxes: [],
      scores: [],
      hours: new Array<number>(24).fill(0),
      conditions: {},
    };

  for (const s of snaps) {
    const hour = hourOf(s.capturedAt);
    if (hour !== null) hours[hour]!++;
    for (const [k, v] of Object.entries(s.conditions ?? {}))
      (conditions[k] ??= {})[v] = (conditions[k]![v] ?? 0) + 1;
    for (const label of labels) {
      const mine = s.detections.filter((d) => d.label === label);
      const c = perClass[label]!;
      c.counts.push(mine.length);
      if (mine.length === 0) continue;
      if (hour !== null) c.hours[hour]!++;
      for (const [k, v] of Object.entries(s.conditions ?? {}))
        (c.conditions[k] ??= {})[v] = (c.conditions[k]![v] ?? 0) + 1;
      for (const d of mine) {
        c.boxes.push(normalise(d.box, s.width, s.height));
        c.scores.push(d.score);
      }
    }
  }

  const classes: Record<string, ClassStats> = {};
  for (const label of labels) {
    const c = perClass[label]!;
    const occupancy = new Array<number>(grid.cols * grid.rows).fill(0);
    for (const b of c.boxes) occupancy[cellOf(b, grid)]!++;
    const histogram: Record<string, number> = {};
    for (const k of c.counts) histogram[k] = (histogram[k] ?? 0) + 1;
    const snapshotsWith = c.counts.filter((k) => k > 0).length;
    classes[label] = {
      label,
      presence: snapshotsWith / n,
      snapshotsWith,
      detections: c.boxes.length,
      count: { ...distribution(c.counts), histogram },
      occupancy,
      width: distribution(c.boxes.map((b) => b.x2 - b.x1)),
      height: distribution(c.boxes.map((b) => b.y2 - b.y1)),
      area: distribution(c.boxes.map((b) => (b.x2 - b.x1) * (b.y2 - b.y1))),
      hours: c.hours,
      conditions: c.conditions,
      meanScore: c.scores.reduce((a, b) => a + b, 0) / Math.max(1, c.scores.length),
    };
  }
  return {
    stats: {
      snapshotCount: n,
      days: new Set(snaps.map((s) => dayOf(s.capturedAt)).filter((d) => d !== null)).size,
      grid,
      hours,
      conditions,
      classes,
    },
    staticObjects: staticObjects(snaps, labels, o),
  };
}

/**
 * Classes that move by themselves. Snapshots taken over a few minutes often show the same person
 * standing still; that person is not part of the scene, and calling them "missing" later is the
 * commonest false finding. Such a class becomes an expected static object only when it stays put
 * across different days (a statue, a dog kennel's dog figure, a mannequin).
 */
const MOBILE_CLASSES = new Set([
  'person',
  'bird',
  'cat',
  'dog',
  'horse',
  'sheep',
  'cow',
  'elephant',
  'bear',
  'zebra',
  'giraffe',
]);

const dayOf = (ms: number | null) => (ms === null ? null : new Date(ms).toDateString());

interface Cluster {
  boxes: Box[];
  snapshots: Set<string>;
  anchor: Box;
  labels: Map<string, number>;
}

/** Clusters the chosen detections' boxes across snapshots by IoU (one box per cluster per snapshot). */
function clusterBoxes(
  snaps: SnapshotDetections[],
  pick: (d: Detection) => boolean,
  minIou: number,
): Cluster[] {
  const clusters: Cluster[] = [];
  for (const s of snaps) {
    const used = new Set<number>();
    const dets = s.detections.filter(pick).sort((a, b) => b.score - a.score);
    for (const d of dets) {
      const box = normalise(d.box, s.width, s.height);
      let best = -1;
      let bestIou = minIou;
      clusters.forEach((c, i) => {
        if (used.has(i)) return;
        const v = iou(c.anchor, box);
        if (v >= bestIou) {
          bestIou = v;
          best = i;
        }
      });
      if (best < 0) {
        clusters.push({ boxes: [box], snapshots: new Set([s.snapshotId]), anchor: box, labels: new Map() });
        best = clusters.length - 1;
      } else {
        clusters[best]!.boxes.push(box);
        clusters[best]!.snapshots.add(s.snapshotId);
      }
      used.add(best);
      const c = clusters[best]!;
      c.labels.set(d.label, (c.labels.get(d.label) ?? 0) + 1);
    }
  }
  return clusters;
}

const medianBox = (boxes: Box[]): Box => ({
  x1: median(boxes.map((b) => b.x1)),
  y1: median(boxes.map((b) => b.y1)),
  x2: median(boxes.map((b) => b.x2)),
  y2: median(boxes.map((b) => b.y2)),
});

/**
 * Clusters each class's boxes across snapshots by IoU; clusters seen in most snapshots are static.
 * Then the same across classes for what stays: a small fixture the detector names differently
 * from frame to frame (a post: fire hydrant, person, sports ball) is one thing that is always
 * there, named by its most frequent fixed class. Such an object carries all its `labels`; it keeps a relabelled detection from
 * being a new object, but is never reported missing (no one name says what to look for).
 */
function staticObjects(snaps: SnapshotDetections[], labels: string[], o: BaselineOptions): StaticObject[] {
  const out: StaticObject[] = [];
  for (const label of labels) {
    for (const c of clusterBoxes(snaps, (d) => d.label === label, o.staticIou)) {
      const presence = c.snapshots.size / snaps.length;
      if (presence < o.staticPresence) continue;
      if (MOBILE_CLASSES.has(label)) {
        const days = new Set(
          snaps.filter((s) => c.snapshots.has(s.snapshotId)).map((s) => dayOf(s.capturedAt)),
        );
        days.delete(null);
        if (days.size < 2) continue;
      }
      out.push({ label, presence, snapshots: c.snapshots.size, box: medianBox(c.boxes) });
    }
  }
  const known = out.map((s) => s.box);
  const rest = (d: Detection, s: SnapshotDetections) =>
    !known.some((k) => iou(k, normalise(d.box, s.width, s.height)) >= o.staticIou);
  const mixed = clusterBoxes(
    snaps.map((s) => ({ ...s, detections: s.detections.filter((d) => rest(d, s)) })),
    () => true,
    o.staticIou,
  );
  for (const c of mixed) {
    const presence = c.snapshots.size / snaps.length;
    const names = [...c.labels.entries()].sort((a, b) => b[1] - a[1]).map(([l]) => l);
    // Something that is sometimes a person and sometimes a hydrant at one spot is the hydrant;
    // something only ever called people or animals stays mobile (people never become static).
    const fixed = names.filter((l) => !MOBILE_CLASSES.has(l));
    if (presence < o.staticPresence || names.length < 2 || fixed.length === 0) continue;
    out.push({
      label: fixed[0]!,
      labels: names,
      presence,
      snapshots: c.snapshots.size,
      box: medianBox(c.boxes),
    });
  }
  return out.sort((a, b) => b.presence - a.presence || a.label.localeCompare(b.label));
}
