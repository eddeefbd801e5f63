// Preload (node --import <this file>): records the main thread's GC pauses (> 1 ms) and event-loop
// stalls (> 6 ms) with wall-clock times in $TIMELINE_DIR/timeline-<role>-<pid>.log, where <role>
// is "bench" for a bench's own process and "server" otherwise. For the service started by a
// bench: BENCH_NODE_FLAGS="--import $PWD/bench/support/diagnostics/timeline.mjs".
// The 1 ms probe timer costs a little CPU itself; use it to find causes, not to take figures.
import fs from 'node:fs';
import path from 'node:path';
import { PerformanceObserver, constants, performance } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) {
  const dir = process.env.TIMELINE_DIR ?? '/tmp';
  const role = process.argv.some((a) => a.includes(`${path.sep}bench${path.sep}`)) ? 'bench' : 'server';
  const file = path.join(dir, `timeline-${role}-${process.pid}.log`);
  const kinds = {
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental-marking',
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak-callbacks',
  };
  const lines = [];
  const wall = (t) => (performance.timeOrigin + t).toFixed(1);
  new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      if (e.duration > 1)
        lines.push(
          `${wall(e.startTime)} gc-${kinds[e.detail?.kind] ?? e.detail?.kind} ${e.duration.toFixed(1)}`,
        );
  }).observe({ entryTypes: ['gc'] });
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    if (now - last > 6) lines.push(`${wall(last)} stall ${(now - last - 1).toFixed(1)}`);
    last = now;
  }, 1).unref();
  const flush = () => fs.writeFileSync(file, lines.length ? `${lines.join('\n')}\n` : '');
  setInterval(flush, 1000).unref();
  process.on('exit', flush);
}
