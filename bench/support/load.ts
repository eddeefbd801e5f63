/** What the benches' load generators share: numeric options, the open-loop (fixed rate) driver, percentiles. */

/** A numeric `--name value` command-line option, or `fallback`. */
export function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

/** The p-th percentile (0-100) of an ascending array (nearest rank below). */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export interface OpenLoopResult {
  /** Latency of every call that succeeded, ms, in completion order. */
  latencies: number[];
  /** When each of those calls started (performance.now()), same order. */
  starts: number[];
  errors: number;
  /** When the phase started (performance.now()). */
  from: number;
}

/** Makes one call and records its start and latency, or counts its failure. */
async function timedCall(result: OpenLoopResult, call: () => Promise<unknown>): Promise<void> {
  const t = performance.now();
  try {
    await call();
    result.latencies.push(performance.now() - t);
    result.starts.push(t);
  } catch {
    result.errors++;
  }
}

/**
 * Calls `call(client)` at `rate` calls/s in all for `seconds`, each client on its own evenly
 * staggered schedule (open loop: a slow answer does not slow the schedule, so queueing shows).
 * `offset` (0..1) shifts the schedule by that fraction of one stagger step, so that several
 * threads sharing a rate interleave their calls instead of sending at the same instants.
 */
export async function openLoop<C>(
  clients: C[],
  rate: number,
  seconds: number,
  call: (client: C) => Promise<unknown>,
  offset = 0,
): Promise<OpenLoopResult> {
  const result: OpenLoopResult = { latencies: [], starts: [], errors: 0, from: performance.now() };
  const interval = (1000 * clients.length) / rate;
  const end = result.from + seconds * 1000;
  await Promise.all(
    clients.map(async (client, i) => {
      let next = performance.now() + ((i + offset) * interval) / clients.length;
      while (next < end) {
        const wait = next - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        await timedCall(result, () => call(client));
        next += interval;
      }
    }),
  );
  return result;
}

/** Every client calls back to back for `seconds` (closed loop): the most calls/s the server answers. */
export async function closedLoop<C>(
  clients: C[],
  seconds: number,
  call: (client: C) => Promise<unknown>,
): Promise<OpenLoopResult> {
  const result: OpenLoopResult = { latencies: [], starts: [], errors: 0, from: performance.now() };
  const end = result.from + seconds * 1000;
  await Promise.all(
    clients.map(async (client) => {
      while (performance.now() < end) {
        await timedCall(result, () => call(client));
      }
    }),
  );
  return result;
}
