import v8 from 'node:v8';

/**
 * V8 settings for the long-running service. The reliable place is node's command line, before any
 * code runs: `npm start`, the container image and the benches pass them. `uservm serve` started
 * another way sets here those not given on the command line or in NODE_OPTIONS (a flag given
 * there, in either polarity or with another value, wins).
 *
 * `--no-allocation-site-pretenuring`: when objects from one allocation site survive young-generation
 * collections (as every per-call object does while 200 edges enrol, or under a burst of calls),
 * V8 starts allocating that site's objects straight in the old generation and keeps doing so. For
 * a server whose per-call objects (HTTP/2 streams, request contexts) die within milliseconds, that
 * fills old space with garbage and brings 20-70 ms mark-compact pauses every few seconds. Set at
 * run time it helps less (sites already marked while modules loaded stay so).
 *
 * `--heap-growing-percent=50`: node:http2 allocates some of every call's garbage straight in old
 * space (request header values become external strings; its per-session stream maps are rehashed),
 * ~375 bytes a heartbeat that only a mark-compact frees. V8's own growing factor for this heap
 * (GC cheap next to the mutator) is near its minimum, 1.1, so at 2,000 heartbeats/s it ran a
 * 30-45 ms mark-compact every ~6 s; with the limit at 1.5x the live heap it runs one of 45-75 ms
 * every ~20 s, for ~25 MB more old space. Over 60 s at 2,000/s the p99 went from 18-30 ms (5 runs)
 * to 13.7-16.2 ms (5 runs), with less GC time in all (docs/BENCHMARKS.md, bench/edge-api).
 */
export const SERVICE_V8_FLAGS = ['--no-allocation-site-pretenuring', '--heap-growing-percent=50'];

/** `--no-foo=1` -> `foo`: the flag a command-line argument sets, whatever its value or polarity. */
function flagName(arg: string): string {
  return arg.replace(/^--/, '').replace(/^no-/, '').split('=')[0]!.replaceAll('_', '-');
}

/** The service flags that neither `execArgv` nor `nodeOptions` already sets. */
export function missingServiceFlags(execArgv: string[], nodeOptions = ''): string[] {
  const given = new Set([...execArgv, ...nodeOptions.split(/\s+/)].filter(Boolean).map(flagName));
  return SERVICE_V8_FLAGS.filter((flag) => !given.has(flagName(flag)));
}

export function tuneRuntimeForService(): void {
  for (const flag of missingServiceFlags(process.execArgv, process.env.NODE_OPTIONS))
    v8.setFlagsFromString(flag);
}
