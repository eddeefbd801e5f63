/**
 * The occupancy grid drawn over a representative snapshot (PNG): each cell tinted by how often
 * objects (of one class, or all) stood there, and the expected static objects outlined.
 */
import sharp from 'sharp';
import type { BaselineView } from './baseline-service.js';

export async function renderHeatmap(
  snapshot: Buffer,
  baseline: BaselineView,
  label?: string,
): Promise<Buffer> {
  const base = sharp(snapshot).rotate();
  const { info } = await base.clone().raw().toBuffer({ resolveWithObject: true });
  const { width, height } = info;
  const { cols, rows } = baseline.stats.grid;
  const classes = Object.values(baseline.stats.classes).filter((c) => !label || c.label === label);
  const cells = new Array<number>(cols * rows).fill(0);
  for (const c of classes) c.occupancy.forEach((v, i) => (cells[i]! += v));
  const max = Math.max(1, ...cells);
  const cw = width / cols;
  const ch = height / rows;
  const rects = cells.map((v, i) => {
    if (v === 0) return '';
    const t = v / max;
    // Yellow (rare) to red (common), more opaque where more common.
    const g = Math.round(220 * (1 - t));
    return `<rect x="${(i % cols) * cw}" y="${Math.floor(i / cols) * ch}" width="${cw}" height="${ch}" fill="rgb(255,${g},0)" fill-opacity="${(0.25 + 0.45 * t).toFixed(2)}"/>`;
  });
  const statics = baseline.staticObjects
    .filter((s) => !label || s.label === label)
    .map(
      (s) =>
        `<rect x="${s.box.x1 * width}" y="${s.box.y1 * height}" width="${(s.box.x2 - s.box.x1) * width}" height="${(s.box.y2 - s.box.y1) * height}" fill="none" stroke="#00e5ff" stroke-width="3" stroke-dasharray="8 4"/>`,
    );
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${rects.join('')}${statics.join('')}</svg>`;
  return base
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .png()
    .toBuffer();
}
