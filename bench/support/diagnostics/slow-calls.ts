import fs from 'node:fs';

/** Calls slower than this go to the slow-call log. */
const SLOW_MS = 15;

/**
 * Appends a phase's slow calls to `file` as `<wall-clock ms> slow <latency ms>` lines (after a
 * `<wall-clock ms> phase <name>` line), so that `merge-timelines.mjs` can line them up with the GC
 * pauses and event-loop stalls that `timeline.mjs` records in each process.
 */
export function logSlowCalls(
  file: string,
  phase: string,
  from: number,
  latencies: number[],
  starts: number[],
): void {
  const wall = (t: number) => (performance.timeOrigin + t).toFixed(1);
  const lines = [`${wall(from)} phase ${phase}`];
  latencies.forEach((ms, i) => {
    if (ms > SLOW_MS) lines.push(`${wall(starts[i]!)} slow ${ms.toFixed(1)}`);
  });
  fs.appendFileSync(file, `${lines.join('\n')}\n`);
}
