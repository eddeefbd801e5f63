/** The image with its detections drawn on it (PNG), for owners checking what a camera sees. */
import sharp from 'sharp';
import type { Detection } from './types.js';

const COLOURS = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#bfef45'];

const escape = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export async function drawDetections(image: Buffer | Uint8Array, detections: Detection[]): Promise<Buffer> {
  const base = sharp(image).rotate();
  const { width = 0, height = 0 } = await base
    .clone()
    .png()
    .toBuffer({ resolveWithObject: true })
    .then((r) => r.info);
  const stroke = Math.max(2, Math.round(Math.min(width, height) / 250));
  const font = Math.max(12, Math.round(Math.min(width, height) / 40));
  const shapes = detections.map((d, i) => {
    const c = COLOURS[d.classId % COLOURS.length]!;
    const { x1, y1, x2, y2 } = d.box;
    const text = `${escape(d.label)} ${Math.round(d.score * 100)}%`;
    const ty = y1 > font + 4 ? y1 - 4 : y1 + font + 2;
    return (
      `<rect x="${x1}" y="${y1}" width="${x2 - x1}" height="${y2 - y1}" fill="none" stroke="${c}" stroke-width="${stroke}"/>` +
      `<text x="${x1 + 2}" y="${ty}" font-family="sans-serif" font-size="${font}" fill="${c}" stroke="black" stroke-width="0.6" data-i="${i}">${text}</text>`
    );
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${shapes.join('')}</svg>`;
  return base
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .png()
    .toBuffer();
}
