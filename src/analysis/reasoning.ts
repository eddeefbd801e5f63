/**
 * Compares one event with the camera's baseline and yields findings, each with a type, a score in
 * 0..1 and the evidence behind it. Pure and deterministic (tested per finding type on real frames).
 * Objects matching an expected static object (a parked van where it always is) never raise a
 * finding; suppression rules learned from false-positive feedback silence matching findings.
 */
import type { BaselineStats, ClassStats, StaticObject } from '../baseline/baseline-stats.js';
import { cellOf } from '../baseline/baseline-stats.js';
import { iou } from '../vision/postprocess.js';
import { reachOf, supportAround } from './position-support.js';
import { suppresses, type SuppressionRule } from './suppression.js';
import { tamperFindings } from './tamper.js';
import type { CaeResult, Finding, FrameAnalysis, Track } from './types.js';

export interface ReasoningOptions {
  /** A class seen in fewer than this share of snapshots is new. */
  newObjectPresence: number;
  /** A class at an hour/condition where fewer than this share of those snapshots have it is out of time. */
  rareTimeShare: number;
  /** Snapshots needed at an hour or in a condition before "rarely there" can be said. */
  minTimeSamples: number;
  /** Occupancy share of a cell (for a class) under which a position is unusual. */
  rareCellShare: number;
  /** Seconds a class may stay before it is loitering (per class, with a default). */
  dwellSeconds: Record<string, number>;
  /** CAE score / threshold above which an unexplained error is a scene change. */
  sceneChangeRatio: number;
  /** Share of the CAE error that objects must explain; below it the change is the scene's. */
  explainedShare: number;
  staticIou: number;
  /** Best detection score a track needs to raise object findings (new, position, path, dwell). */
  minFindingScore: number;
}

export const DEFAULT_REASONING: ReasoningOptions = {
  newObjectPresence: 0.05,
  rareTimeShare: 0.05,
  minTimeSamples: 5,
  rareCellShare: 0.01,
  dwellSeconds: { default: 60, person: 45 },
  sceneChangeRatio: 2,
  explainedShare: 0.3,
  staticIou: 0.3,
  minFindingScore: 0.4,
};

export interface ReasoningInput {
  frames: FrameAnalysis[];
  tracks: Track[];
  baseline: { stats: BaselineStats; staticObjects: StaticObject[] } | null;
  cae: CaeResult | null;
  hour: number;
  light: string | null;
  rules: SuppressionRule[];
  options: ReasoningOptions;
}

const clamp01 = (v: number) => Math.max(0, Math.min(1, v));

/** Marks tracks that sit on an expected static object of their class (or exactly on its box). */
/** Largest chance that the detector missed a present static object in every frame of an event. */
const MISSED_BY_CHANCE = 0.05;

/**
 * The chance that the detector misses a static object in all `frames` frames although it is there,
 * from how often it missed it in the baseline's snapshots (with one miss and one find added, so
 * that 20 of 20 snapshots is not certainty).
 */
export function chanceMissed(s: StaticObject, frames: number): number {
  const total = Math.round(s.snapshots / s.presence);
  return ((total - s.snapshots + 1) / (total + 2)) ** Math.max(1, frames);
}

/** Overlap at which a box of another class is taken for an expected static object's own box. */
const RELABEL_IOU = 0.7;

export function matchStatic(
  tracks: Omit<Track, 'staticMatch'>[],
  statics: StaticObject[],
  minIou: number,
): Track[] {
  return tracks.map((t) => {
    const match =
      statics.find((s) => s.label === t.label && t.points.some((p) => iou(p.box, s.box) >= minIou)) ??
      // The same box under another name is the fixture relabelled (a post called a sports ball in
      // the dark), not a new object where it stands: any overlap for a fixture the detector names
      // differently anyway, a near-identical box for the others.
      statics.find((s) => t.points.some((p) => iou(p.box, s.box) >= (s.labels ? minIou : RELABEL_IOU)));
    return {
      ...t,
      staticMatch: match ? `${match.label}@${match.box.x1.toFixed(2)},${match.box.y1.toFixed(2)}` : null,
    };
  });
}

const lastBox = (t: Track) => t.points.at(-1)!.box;

function timeFinding(
  cls: ClassStats | undefined,
  label: string,
  stats: BaselineStats,
  input: ReasoningInput,
  track: Track,
): Finding | null {
  const o = input.options;
  const window = [input.hour - 1, input.hour, input.hour + 1].map((h) => (h + 24) % 24);
  const atHour = window.reduce((n, h) => n + (stats.hours[h] ?? 0), 0);
  const withClass = cls ? window.reduce((n, h) => n + (cls.hours[h] ?? 0), 0) : 0;
  const base = { label, trackId: track.id, box: lastBox(track) };
  if (atHour >= o.minTimeSamples) {
    const share = withClass / atHour;
    if (share >= o.rareTimeShare) return null;
    return {
      ...base,
      type: 'abnormal_time',
      score: clamp01(1 - share / o.rareTimeShare),
      evidence: { hour: input.hour, basis: 'hour', seen: withClass, of: atHour },
    };
  }
  if (input.light) {
    const inLight = stats.conditions.light?.[input.light] ?? 0;
    const classInLight = cls?.conditions.light?.[input.light] ?? 0;
    if (inLight >= o.minTimeSamples) {
      const share = classInLight / inLight;
      if (share >= o.rareTimeShare) return null;
      return {
        ...base,
        type: 'abnormal_time',
        score: clamp01(1 - share / o.rareTimeShare),
        evidence: { hour: input.hour, basis: 'light', light: input.light, seen: classInLight, of: inLight },
      };
    }
    // The baseline has never seen this light at all (e.g. only daytime snapshots): unusual, less sure.
    if (inLight === 0 && stats.snapshotCount >= o.minTimeSamples && input.light === 'night') {
      return {
        ...base,
        type: 'abnormal_time',
        score: 0.8,
        evidence: { hour: input.hour, basis: 'light', light: input.light, seen: 0, of: 0 },
      };
    }
  }
  return null;
}

/** Whether the camera's normal snapshots include the event's light (day, night...). */
function lightSeen(input: ReasoningInput): boolean {
  const lights = input.baseline?.stats.conditions.light;
  if (!input.light || !lights) return true;
  return (lights[input.light] ?? 0) >= input.options.minTimeSamples;
}

export function reason(input: ReasoningInput): { findings: Finding[]; suppressed: Finding[] } {
  const o = input.options;
  const findings: Finding[] = [];
  const b = input.baseline;
  // Object findings need an object the detector is sure of at least once: its weak guesses (a
  // "skateboard" at someone's feet) are kept for counts and reports, not for alarms.
  const moving = input.tracks.filter(
    (t) => !t.staticMatch && Math.max(...t.points.map((p) => p.score)) >= o.minFindingScore,
  );

  // Scene change: the whole picture is off, and objects do not explain it.
  const uniform = input.frames.filter((f) => f.brightnessStd < 0.03);
  if (uniform.length > 0) {
    findings.push({
      type: 'scene_change',
      score: 0.9,
      evidence: {
        cause: 'uniform',
        frames: uniform.map((f) => f.index),
        brightness: Number(uniform[0]!.brightness.toFixed(3)),
      },
    });
  } else if (input.cae && lightSeen(input)) {
    // (A light the baseline never saw, e.g. the first night, changes every pixel: not evidence.)
    const c = input.cae;
    const worst = c.scores.reduce(
      (m, s, i) => (s / c.threshold > m.ratio ? { ratio: s / c.threshold, i } : m),
      { ratio: 0, i: -1 },
    );
    if (worst.ratio >= o.sceneChangeRatio && (c.explainedShare[worst.i] ?? 0) < o.explainedShare) {
      findings.push({
        type: 'scene_change',
        score: clamp01(0.4 + (worst.ratio - o.sceneChangeRatio) / 6),
        evidence: {
          cause: 'reconstruction',
          ratio: Number(worst.ratio.toFixed(2)),
          explainedShare: Number((c.explainedShare[worst.i] ?? 0).toFixed(2)),
          frame: worst.i,
          model: `${c.modelId}@${c.modelVersion}`,
        },
      });
    }
  }

  // Camera tampering against the baseline's picture statistics. One scene_change per event: a
  // uniform picture says most, then a tamper check (its other subtypes listed), then the CAE.
  // When the view itself is spoiled, what the detector no longer sees is not "missing".
  const tampered = tamperFindings(input.frames, b?.stats.scene, input.light).sort(
    (x, y) => y.score - x.score,
  );
  const uniformFound = findings.some((f) => f.type === 'scene_change' && f.evidence.cause === 'uniform');
  if (tampered.length > 0 && !uniformFound) {
    for (let i = findings.length - 1; i >= 0; i--)
      if (findings[i]!.type === 'scene_change') findings.splice(i, 1);
    const [lead, ...others] = tampered;
    if (others.length > 0) lead!.evidence.alsoSubtypes = others.map((f) => f.evidence.subtype);
    findings.push(lead!);
  }
  const sceneSpoiled = findings.some((f) => f.type === 'scene_change');

  if (b) {
    const { stats, staticObjects } = b;
    // Image height over width, to turn a box height into columns.
    const aspect = input.frames[0] ? input.frames[0].height / input.frames[0].width : 0.75;
    const { cols, rows } = stats.grid;
    const labels = [...new Set(moving.map((t) => t.label))].sort();
    for (const label of labels) {
      const cls = stats.classes[label];
      const mine = moving.filter((t) => t.label === label);
      const presence = cls?.presence ?? 0;
      // The object a class-level finding points at: the one standing where the class is rarest.
      const cellShare = (t: Track) =>
        cls ? (cls.occupancy[cellOf(lastBox(t), { cols, rows })] ?? 0) / Math.max(1, cls.detections) : 0;
      const lead = [...mine].sort(
        (x, y) => cellShare(x) - cellShare(y) || y.points.length - x.points.length || x.id - y.id,
      )[0]!;
      if (presence < o.newObjectPresence) {
        findings.push({
          type: 'new_object',
          label,
          trackId: lead.id,
          box: lastBox(lead),
          score: clamp01(1 - presence / o.newObjectPresence),
          evidence: { seenIn: cls?.snapshotsWith ?? 0, of: stats.snapshotCount },
        });
        continue; // a new class has no count, time or position history to compare with
      }
      // Count: the most objects of the class in one frame, static ones included (the baseline counts them).
      const perFrame = input.frames.map((f) => f.detections.filter((d) => d.label === label).length);
      const count = Math.max(...perFrame);
      const limit = Math.max(cls!.count.max, Math.ceil(cls!.count.mean + 3 * cls!.count.std));
      // Two more than ever seen (or than mean + 3 sd): one extra ball or bag is not a crowd.
      if (count >= limit + 2) {
        findings.push({
          type: 'abnormal_count',
          label,
          score: clamp01(0.5 + (count - limit) / Math.max(1, limit)),
          evidence: { count, usualMax: cls!.count.max, mean: Number(cls!.count.mean.toFixed(2)) },
        });
      }
      const time = timeFinding(cls, label, stats, input, lead);
      if (time) findings.push(time);
      const total = Math.max(1, cls!.detections);
      for (const t of mine) {
        const cell = cellOf(lastBox(t), { cols, rows });
        const share = (cls!.occupancy[cell] ?? 0) / total;
        // Few snapshots never cover every spot where people walk: the position is judged by the
        // support within a reach that grows with the object's size, not by its own cell alone.
        const reach = reachOf(lastBox(t), stats.grid, aspect);
        const around = supportAround(cls!.occupancy, cell, cols, rows, reach) / total;
        if (around < o.rareCellShare) {
          const score = clamp01(1 - around / o.rareCellShare);
          // One finding per class: the strongest object, and how many stood in unusual places.
          const existing = findings.find((f) => f.type === 'unusual_position' && f.label === label);
          if (existing) {
            existing.evidence.objects = Number(existing.evidence.objects) + 1;
            if (score > existing.score) Object.assign(existing, { score, trackId: t.id, box: lastBox(t) });
          } else {
            findings.push({
              type: 'unusual_position',
              label,
              trackId: t.id,
              box: lastBox(t),
              score,
              evidence: {
                cell,
                cellShare: Number(share.toFixed(4)),
                neighbourhoodShare: Number(around.toFixed(4)),
                reachCells: reach,
                objects: 1,
              },
            });
          }
        }
        if (t.points.length >= 2) {
          const cells = [...new Set(t.points.map((p) => cellOf(p.box, { cols, rows })))];
          const rare = cells.filter(
            (c) => supportAround(cls!.occupancy, c, cols, rows, reach) / total < o.rareCellShare,
          );
          if (cells.length >= 2 && rare.length / cells.length >= 0.5) {
            findings.push({
              type: 'unusual_path',
              label,
              trackId: t.id,
              box: lastBox(t),
              score: clamp01(rare.length / cells.length),
              evidence: { cells, rareCells: rare.length },
            });
          }
        }
      }
    }
    // Missing: an expected static object with nothing of its class at its place in any frame. Not
    // said in a light the baseline has never seen (at night a parked van may just be invisible),
    // nor when the view itself is spoiled; and when most of them vanish at once, it is the scene
    // that changed (a moved or covered camera), not N objects that left.
    // Only objects the detector finds so reliably that its own misses cannot explain their
    // absence: a small post found in 70 % of the snapshots is missed in 30 % of frames by chance.
    // Objects it names differently from frame to frame are left out too: no name says what is gone.
    const named = staticObjects.filter(
      (s) => !s.labels && chanceMissed(s, input.frames.length) <= MISSED_BY_CHANCE,
    );
    const missing = (lightSeen(input) && !sceneSpoiled ? named : []).filter(
      (s) =>
        !input.tracks.some(
          (t) => t.label === s.label && t.points.some((p) => iou(p.box, s.box) >= o.staticIou),
        ) && input.frames.every((f) => f.brightnessStd >= 0.03),
    );
    if (named.length >= 3 && missing.length / named.length >= 0.6) {
      findings.push({
        type: 'scene_change',
        score: 0.7,
        evidence: {
          cause: 'static_objects_vanished',
          subtype: 'moved_or_covered',
          missing: missing.length,
          of: named.length,
        },
      });
    } else {
      for (const s of missing)
        findings.push({
          type: 'missing_object',
          label: s.label,
          box: s.box,
          score: clamp01(s.presence),
          evidence: { presence: Number(s.presence.toFixed(2)), snapshots: s.snapshots },
        });
    }
  }

  // Dwell (loitering) needs no baseline: the limit is per class, halved where the class is rare.
  for (const t of moving) {
    const limit = o.dwellSeconds[t.label] ?? o.dwellSeconds.default ?? 60;
    if (t.dwellSeconds > limit) {
      findings.push({
        type: 'unusual_dwell',
        label: t.label,
        trackId: t.id,
        box: lastBox(t),
        score: clamp01(0.5 + (t.dwellSeconds - limit) / (2 * limit)),
        evidence: { seconds: Math.round(t.dwellSeconds), limit },
      });
    }
  }

  const kept: Finding[] = [];
  const suppressed: Finding[] = [];
  for (const f of findings)
    (input.rules.some((r) => suppresses(r, f, input.hour)) ? suppressed : kept).push(f);
  return { findings: kept, suppressed };
}
