/**
 * Camera-tamper checks (what commercial VMS call a tamper alarm), against the baseline's own
 * picture statistics: the view blurred or out of focus (edge energy far below the least sharp
 * normal snapshot), washed out by glare (blown-out share or brightness far above anything
 * normal), or too dark for its light condition. Occlusion and a moved camera are caught by the
 * uniform-picture check and the CAE's unexplained error (reasoning.ts). Pure.
 */
import type { SceneReference } from '../baseline/scene-reference.js';
import type { Finding, FrameAnalysis } from './types.js';

/** A frame this much less sharp than the least sharp normal snapshot is blurred. */
const BLUR_RATIO = 0.5;
const MIN_SNAPSHOTS = 5;

export function tamperFindings(
  frames: FrameAnalysis[],
  ref: SceneReference | undefined,
  light: string | null,
): Finding[] {
  if (!ref || ref.snapshots < MIN_SNAPSHOTS) return [];
  // A light the normal snapshots never showed (the first night) darkens and softens every frame:
  // no evidence of tampering.
  const bright = light ? ref.brightness[light] : ref.brightness.any;
  if (!bright || bright.mean === undefined) return [];
  const found = new Map<string, Finding>();
  const add = (subtype: string, score: number, frame: number, evidence: Record<string, unknown>) => {
    if (!found.has(subtype))
      found.set(subtype, {
        type: 'scene_change',
        score,
        evidence: { cause: subtype, subtype, frame, ...evidence },
      });
  };
  for (const f of frames) {
    if (f.sharpness !== undefined && f.sharpness < BLUR_RATIO * ref.sharpness.min) {
      add('blurred', Math.min(1, 0.6 + (1 - f.sharpness / ref.sharpness.min) / 2), f.index, {
        sharpness: round(f.sharpness),
        normalMin: round(ref.sharpness.min),
        normalMedian: round(ref.sharpness.p50),
      });
    }
    // Glare: a twentieth of the view newly blown out, or brighter than any normal picture by far.
    const washedOut =
      (f.saturated !== undefined && f.saturated > ref.saturated.max + 0.05) ||
      f.brightness > bright.max + Math.max(0.1, 4 * bright.std);
    if (washedOut) {
      add('washed_out', 0.8, f.index, {
        brightness: round(f.brightness),
        saturatedShare: round(f.saturated ?? 0),
        normalMaxBrightness: round(bright.max),
        normalMaxSaturated: round(ref.saturated.max),
      });
    }
    if (f.brightness < bright.min - Math.max(0.1, 4 * bright.std)) {
      add('too_dark', 0.8, f.index, {
        brightness: round(f.brightness),
        normalMin: round(bright.min),
        light: light ?? 'any',
      });
    }
  }
  return [...found.values()];
}

const round = (v: number) => Number(v.toFixed(4));
