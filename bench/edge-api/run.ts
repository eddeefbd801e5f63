/**
 * bench/edge-api: N simulated edges (default 200), each enrolled and holding its own mTLS HTTP/2
 * connection, sending heartbeats to a service running in a separate process.
 *   warm-up: the fixed rate for a few seconds, reported apart (JIT, the heap after enrolment);
 *   fixed rate: 2,000 heartbeats/s spread over the edges for 60 s -> latency at the target rate;
 *   saturation: every edge sends back-to-back for 10 s -> max calls/s, latency;
 *   fixed rate again: how the service recovers from the burst.
 * Target (issue 3): 2,000 heartbeats/s with p99 under 20 ms on the 2-core machine.
 * Run: npm run bench:edge-api [-- --edges 200 --seconds 60 --saturation-seconds 10 --rate 2000
 *      --warmup 5 --threads 1 --phases warmup,rate,saturation,rate --connect-client]
 */
import os from 'node:os';
import { benchService, cpuMs, enrollBenchEdges, rssMb, waitForEdgeApi } from '../support/service-process.js';
import { arg, percentile } from '../support/load.js';
import { LoadThreads, type PhaseResult } from './load-threads.js';
import { logSlowCalls } from '../support/diagnostics/slow-calls.js';

const EDGES = arg('edges', 200);
// Rate phases are long enough to take in the service's periodic mark-compacts (one every ~20 s
// at 2,000/s): a 10 s window either misses them or is decided by one.
const SECONDS = arg('seconds', 60);
const SATURATION_SECONDS = arg('saturation-seconds', 10);
const RATE = arg('rate', 2000);
const WARMUP = arg('warmup', 5);
const THREADS = arg('threads', 1);
const CONNECT_CLIENT = process.argv.includes('--connect-client');
const phasesAt = process.argv.indexOf('--phases');
const PHASES =
  phasesAt > 0 ? process.argv[phasesAt + 1]!.split(',') : ['warmup', 'rate', 'saturation', 'rate'];
for (const phase of PHASES)
  if (!['warmup', 'rate', 'saturation'].includes(phase))
    throw new Error(`unknown phase ${phase} (warmup, rate, saturation)`);
// BENCH_SLOW_LOG=<file>: every call over 15 ms with its wall-clock start, to line up with the
// processes' GC and stall timelines (bench/support/diagnostics/README.md).
const SLOW_LOG = process.env.BENCH_SLOW_LOG;
const port = 19443;
const svc = benchService(
  'edge',
  (dir) =>
    `dataDir: ${dir}/data\nserver: { port: 19080 }\nlog: { level: warn }\nedgeApi: { port: ${port} }\nwireguard: { subnet: 198.51.100.0/23 }\n`,
);

/** The service's own view from /metrics: event-loop delay (reset by each scrape) and GC time so far. */
async function serverLoop(): Promise<string> {
  const text = await (await fetch('http://127.0.0.1:19080/metrics')).text();
  const value = (re: RegExp) => Number(re.exec(text)?.[1] ?? NaN);
  const p99 = value(/^nodejs_eventloop_lag_p99_seconds (\S+)/m) * 1000;
  const max = value(/^nodejs_eventloop_lag_max_seconds (\S+)/m) * 1000;
  let gc = 0;
  for (const m of text.matchAll(/^nodejs_gc_duration_seconds_sum\{[^}]*\} (\S+)/gm)) gc += Number(m[1]);
  return `server event loop delay p99 ${p99.toFixed(1)} ms, max ${max.toFixed(1)} ms; GC ${(gc * 1000).toFixed(0)} ms in all so far`;
}

function report(
  name: string,
  latencies: number[],
  seconds: number,
  errors: number,
  serverCpuMs: number,
): void {
  const sorted = [...latencies].sort((a, b) => a - b);
  console.log(
    `${name.padEnd(24)} ${String(latencies.length).padStart(7)} calls  ${(latencies.length / seconds).toFixed(0).padStart(6)} calls/s  p50 ${percentile(sorted, 50).toFixed(2)} ms  p99 ${percentile(sorted, 99).toFixed(2)} ms  max ${sorted.at(-1)?.toFixed(1)} ms  errors ${errors}`,
  );
  const perCall = (serverCpuMs * 1000) / Math.max(1, latencies.length);
  console.log(
    `${''.padEnd(24)} server CPU ${((serverCpuMs / 1000 / seconds) * 100).toFixed(0)}% of one core, ${perCall.toFixed(0)} us per call -> ${(1e6 / perCall).toFixed(0)} calls/s per server core`,
  );
}

const issued = JSON.parse(
  svc.cli(['bootstrap-token', 'create', '--name', 'bench', '--max-uses', String(EDGES), '--json']),
) as { token: string; caCertificatePem: string };
const server = svc.start();
try {
  const endpoint = `127.0.0.1:${port}`;
  const caPem = issued.caCertificatePem;
  await waitForEdgeApi(endpoint, caPem);
  console.log(
    `bench/edge-api: ${EDGES} edges, ${os.cpus().length} cores, service in its own process (pid ${server.pid}), RSS ${rssMb(server.pid!).toFixed(0)} MB\n`,
  );

  const started = performance.now();
  const enrolled = await enrollBenchEdges({
    endpoint,
    caPem,
    token: issued.token,
    count: EDGES,
    prefix: 'bench',
  });
  const enrolSeconds = (performance.now() - started) / 1000;
  console.log(
    `enrolment: ${EDGES} edges in ${enrolSeconds.toFixed(1)} s (${(EDGES / enrolSeconds).toFixed(0)}/s, key generation on the client included)`,
  );
  // The load: a lean gRPC client per edge (--connect-client: the edge client library, ~400 us of
  // CPU per call on this side, which then competes with the service for the two cores), spread
  // over THREADS load-generator threads.
  const load = await LoadThreads.start({
    endpoint,
    caPem,
    edges: enrolled,
    connectClient: CONNECT_CLIENT,
    threads: THREADS,
  });
  try {
    console.log(
      `connections open (${THREADS} load-generator threads): server RSS ${rssMb(server.pid!).toFixed(0)} MB\n`,
    );
    // The load generator's own stalls (its GC, mostly) inflate the latencies it measures: report them.
    const clientLoop = (r: PhaseResult) =>
      `load generator event loop delay p99 ${r.loopDelayP99Ms.toFixed(1)} ms, max ${r.loopDelayMaxMs.toFixed(1)} ms (worst thread)`;

    await serverLoop(); // resets the event-loop histogram: each phase reports its own

    /** p99 of each second of a phase: shows whether a tail is spread out or one episode. */
    function perSecondP99(latencies: number[], starts: number[], from: number): string {
      const buckets: number[][] = [];
      latencies.forEach((l, i) => (buckets[Math.floor((starts[i]! - from) / 1000)] ??= []).push(l));
      return buckets
        .map((b) =>
          percentile(
            [...b].sort((x, y) => x - y),
            99,
          ).toFixed(1),
        )
        .join(' ');
    }

    /** Every edge sends back to back: the most calls/s the service answers. */
    async function saturation(): Promise<void> {
      const cpu = cpuMs(server.pid!);
      const r = await load.run({ kind: 'saturation', seconds: SATURATION_SECONDS });
      report('saturation (closed loop)', r.latencies, SATURATION_SECONDS, r.errors, cpuMs(server.pid!) - cpu);
      console.log(`${''.padEnd(24)} ${await serverLoop()}`);
      console.log(`${''.padEnd(24)} ${clientLoop(r)}`);
    }

    /** A fixed total rate, each edge on its own schedule: latency at the target rate. */
    async function fixedRate(name: string, seconds: number): Promise<void> {
      const cpu = cpuMs(server.pid!);
      const r = await load.run({ kind: 'rate', rate: RATE, seconds });
      const { latencies, starts, from } = r;
      report(name, latencies, seconds, r.errors, cpuMs(server.pid!) - cpu);
      console.log(`${''.padEnd(24)} ${await serverLoop()}`);
      console.log(`${''.padEnd(24)} ${clientLoop(r)}`);
      console.log(`${''.padEnd(24)} p99 ms per second: ${perSecondP99(latencies, starts, from)}`);
      if (SLOW_LOG) logSlowCalls(SLOW_LOG, name, from, latencies, starts);
    }

    // Phases, in order (--phases, comma-separated): 'warmup' is a fixed-rate phase that is reported
    // but not the result (JIT, the heap settling after the 200 enrolments); 'rate' is the fixed-rate
    // result; 'saturation' is the closed loop. A rate phase after saturation shows the recovery
    // from a burst (its promoted garbage brings a mark-compact into that phase; docs/BENCHMARKS.md).
    let rateRuns = 0;
    for (const phase of PHASES) {
      if (phase === 'warmup') await fixedRate(`warm-up ${RATE}/s`, WARMUP);
      else if (phase === 'saturation') await saturation();
      else
        await fixedRate(rateRuns++ === 0 ? `fixed ${RATE}/s (open loop)` : `fixed ${RATE}/s, again`, SECONDS);
    }
    console.log(`\nserver RSS at the end: ${rssMb(server.pid!).toFixed(0)} MB`);
  } finally {
    await load.close();
  }
} finally {
  await svc.stop(server);
}
