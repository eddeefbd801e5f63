/** How much of a class's baseline stands near an object: the evidence for unusual positions and paths. */
import type { Box } from '../vision/types.js';

/**
 * Detections of a class within a window of cells around a cell: `reach.rows` up and down,
 * `reach.cols` left and right.
 */
export function supportAround(
  occupancy: number[],
  cell: number,
  cols: number,
  rows: number,
  reach: { rows: number; cols: number },
): number {
  const r = Math.floor(cell / cols);
  const c = cell % cols;
  let n = 0;
  for (let rr = Math.max(0, r - reach.rows); rr <= Math.min(rows - 1, r + reach.rows); rr++)
    for (let cc = Math.max(0, c - reach.cols); cc <= Math.min(cols - 1, c + reach.cols); cc++)
      n += occupancy[rr * cols + cc] ?? 0;
  return n;
}

/**
 * How far support counts around an object: one body height in depth (rows: the same image row
 * is the same distance from the camera), two body heights sideways (along the ground at that
 * depth, where a few snapshots cannot have seen every step).
 */
export function reachOf(box: Box, grid: { cols: number; rows: number }, aspect: number) {
  const h = box.y2 - box.y1;
  return {
    rows: Math.max(1, Math.ceil(h * grid.rows)),
    cols: Math.max(1, Math.ceil(2 * h * aspect * grid.cols)),
  };
}
