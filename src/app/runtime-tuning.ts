import v8 from 'node:v8';

const FLAG = '--no-allocation-site-pretenuring';

/**
 * V8 settings for the long-running service. The reliable place is node's command line, before any
 * code runs: `npm start` and the container image pass it. `uservm serve` started another way sets it
 * here at start, which helped less in the bench (allocation sites already marked while modules
 * loaded stay so): 2 of 4 runs under 20 ms.
 *
 * Allocation-site pretenuring: when objects from one allocation site survive young-generation
 * collections (as every per-call object does while 200 edges enrol, or under a burst of calls),
 * V8 starts allocating that site's objects straight in the old generation and keeps doing so. For
 * a server whose per-call objects (HTTP/2 streams, request contexts) die within milliseconds, that
 * fills old space with garbage and brings 20-70 ms mark-compact pauses every few seconds. Off, the
 * edge API at 2,000 heartbeats/s after a saturation burst measured p99 9.5-18.7 ms in 4 runs out
 * of 4 (6 of 7 in all), against a median of ~50 ms with it on (docs/BENCHMARKS.md, bench/edge-api).
 */
export function tuneRuntimeForService(): void {
  if (!process.execArgv.includes(FLAG)) v8.setFlagsFromString(FLAG);
}
