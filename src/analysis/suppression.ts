/** Suppression rules learned from false-positive feedback, and whether one silences a finding. */
import type { Box } from '../vision/types.js';
import type { Finding } from './types.js';

export interface SuppressionRule {
  id: string;
  className: string | null;
  findingType: string | null;
  region: Box | null;
  hours: [number, number] | null;
}

export function suppresses(rule: SuppressionRule, f: Finding, hour: number): boolean {
  if (rule.findingType && rule.findingType !== f.type) return false;
  if (rule.className && rule.className !== f.label) return false;
  if (rule.hours) {
    const [from, to] = rule.hours;
    const inside = from <= to ? hour >= from && hour <= to : hour >= from || hour <= to;
    if (!inside) return false;
  }
  if (rule.region) {
    if (!f.box) return false;
    const cx = (f.box.x1 + f.box.x2) / 2;
    const cy = f.box.y2;
    if (cx < rule.region.x1 || cx > rule.region.x2 || cy < rule.region.y1 || cy > rule.region.y2)
      return false;
  }
  return true;
}
