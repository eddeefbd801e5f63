/**
 * One sentence an owner can trust, from the strongest finding and its evidence, e.g.
 * "Person in the bottom-left of the view at 03:12, where people are not seen at night (0 of 214
 * night snapshots); stayed 48 s." Deterministic wording, tested.
 */
import type { Box } from '../vision/types.js';
import type { Finding, Track } from './types.js';
import type { RiskWeights } from './risk.js';
import { STATISTICAL_FINDINGS } from './baseline-evidence.js';

const PLURAL: Record<string, string> = {
  person: 'people',
  bus: 'buses',
  mouse: 'mice',
  knife: 'knives',
  sheep: 'sheep',
  skis: 'skis',
};
export const plural = (label: string) => PLURAL[label] ?? `${label}s`;
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const hhmm = (hour: number, minute: number) =>
  `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;

/** "in the bottom-left of the view", from where the object stands (bottom-centre of its box). */
export function place(box: Box | undefined): string {
  if (!box) return '';
  const x = (box.x1 + box.x2) / 2;
  const y = box.y2;
  const v = y < 1 / 3 ? 'top' : y < 2 / 3 ? 'middle' : 'bottom';
  const h = x < 1 / 3 ? 'left' : x < 2 / 3 ? 'centre' : 'right';
  return v === 'middle' && h === 'centre' ? 'in the centre of the view' : `in the ${v}-${h} of the view`;
}

function sentence(f: Finding, time: string): string {
  const e = f.evidence as Record<string, number | string>;
  const what = f.label ? cap(f.label) : 'Something';
  const where = place(f.box);
  switch (f.type) {
    case 'abnormal_time': {
      const when = e.basis === 'light' ? `at ${e.light}` : 'at this hour';
      const basis =
        e.basis === 'light'
          ? `${e.light}`
          : `${hhmm((Number(e.hour) + 23) % 24, 0)}-${hhmm((Number(e.hour) + 2) % 24, 0)}`;
      const count =
        Number(e.of) > 0 ? ` (${e.seen} of ${e.of} ${basis} snapshots)` : ` (no ${basis} snapshots show any)`;
      return `${what} ${where} at ${time}, where ${plural(f.label ?? 'object')} are not seen ${when}${count}`;
    }
    case 'new_object':
      return Number(e.seenIn) === 0
        ? `${what} ${where} at ${time}: never seen on this camera before (0 of ${e.of} snapshots)`
        : `${what} ${where} at ${time}: rarely seen on this camera (${e.seenIn} of ${e.of} snapshots)`;
    case 'missing_object':
      return `The ${f.label} usually ${where.replace(/^in /, 'in ')} is missing (present in ${e.snapshots} normal snapshots)`;
    case 'abnormal_count':
      return `${e.count} ${plural(f.label ?? 'object')} at ${time}, more than the usual ${e.usualMax} at most`;
    case 'unusual_position':
      return Number(e.objects ?? 1) > 1
        ? `${e.objects} ${plural(f.label ?? 'object')} at ${time} where they are not normally seen, e.g. ${where}`
        : `${what} ${where} at ${time}, where ${plural(f.label ?? 'object')} are not normally seen`;
    case 'unusual_path':
      return `${what} crossed ${where.replace(/^in /, '')} at ${time}, along a path rarely used`;
    case 'unusual_dwell':
      return `${what} stayed ${e.seconds} s ${where}, longer than the usual ${e.limit} s`;
    case 'scene_change':
      if (e.cause === 'uniform')
        return `The picture is almost uniform at ${time}: the lens may be covered or the camera blinded`;
      if (e.cause === 'blurred')
        return `The view is blurred at ${time} (sharpness ${e.sharpness} against at least ${e.normalMin} in normal snapshots): the lens may be smeared, fogged or out of focus`;
      if (e.cause === 'washed_out')
        return `The picture is washed out at ${time} (brightness ${e.brightness}, ${Math.round(100 * Number(e.saturatedShare))} % blown out): glare or a light pointed at the camera`;
      if (e.cause === 'too_dark')
        return `The picture is too dark for ${e.light} at ${time} (brightness ${e.brightness} against at least ${e.normalMin} normally): the lens may be covered or the light gone`;
      if (e.cause === 'static_objects_vanished')
        return `${e.missing} of the ${e.of} things always in view are gone at ${time}: the camera may have been moved or covered`;
      return `The scene changed at ${time} with no object to explain it (reconstruction error ${e.ratio}x the normal threshold): camera moved, covered, blurred or lit differently?`;
  }
}

export interface ExplanationInput {
  findings: Finding[];
  tracks: Track[];
  hour: number;
  minute: number;
  weights: RiskWeights;
  /** Said when the leading finding rests on the baseline's statistics and they are thin. */
  thinBaseline?: string;
}

/** The strongest finding's sentence (plus how long its object stayed), or what was seen when nothing was unusual. */
export function explain(input: ExplanationInput): string {
  const time = hhmm(input.hour, input.minute);
  const weight = (f: Finding) =>
    input.weights.findings[f.type] *
    f.score *
    (f.label ? (input.weights.classes[f.label] ?? input.weights.defaultClass) : 1);
  const ranked = [...input.findings].sort((a, b) => weight(b) - weight(a) || a.type.localeCompare(b.type));
  const top = ranked[0];
  if (!top) {
    const counts = new Map<string, number>();
    for (const t of input.tracks) counts.set(t.label, (counts.get(t.label) ?? 0) + 1);
    if (counts.size === 0) return `Nothing unusual at ${time}: no objects found.`;
    const seen = [...counts]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([l, n]) => `${n} ${n === 1 ? l : plural(l)}`);
    return `Nothing unusual at ${time}: ${seen.join(', ')}, as normally seen on this camera.`;
  }
  let text = sentence(top, time);
  const track = top.trackId ? input.tracks.find((t) => t.id === top.trackId) : undefined;
  if (track && top.type !== 'unusual_dwell' && track.dwellSeconds >= 5)
    text += `; stayed ${Math.round(track.dwellSeconds)} s`;
  if (ranked.length > 1) text += ` (and ${ranked.length - 1} more finding${ranked.length > 2 ? 's' : ''})`;
  if (input.thinBaseline && STATISTICAL_FINDINGS.has(top.type)) text += `, ${input.thinBaseline}`;
  return `${text}.`;
}
