/**
 * The load generator of bench/edge-api, in worker threads. Each thread has a heap of its own that
 * holds only its edges' connections and calls, not the main thread's enrolment state (200 key
 * pairs, CSRs, connect transports), so its own mark-compacts stay short; before, the load
 * generator's pauses (15-25 ms every few seconds) were a good part of the reported tail. Several
 * threads split the edges round-robin and the rate evenly; on this 2-core machine one thread
 * measured best (two threads: more CPU contention with the service, p99 after saturation 19-39 ms
 * against 3-8 ms with one), so `--threads` defaults to 1 and is there for machines with more cores.
 */
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../../src/jobs/worker-pool.js';

export interface LoadThreadData {
  endpoint: string;
  caPem: string;
  edges: { certPem: string; keyPem: string }[];
  connectClient: boolean;
}

/** A phase as the main thread asks for it: a total rate for all threads, or a closed loop. */
export type Phase = { kind: 'rate'; rate: number; seconds: number } | { kind: 'saturation'; seconds: number };

/** A phase as one thread runs it: its share of the rate, its offset in the shared schedule. */
export type PhaseRequest = (Phase & { kind: 'saturation' }) | (Phase & { kind: 'rate'; offset: number });

export interface ThreadPhaseResult {
  latencies: Float64Array;
  /** Wall-clock ms (performance.timeOrigin + now) at which each call started. */
  starts: Float64Array;
  errors: number;
  /** Wall-clock ms at which the phase started in that thread. */
  from: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

export interface PhaseResult {
  latencies: number[];
  /** performance.now() of this (the main) thread at which each call started. */
  starts: number[];
  errors: number;
  from: number;
  /** The worst of the threads' own event-loop delays (their GC, mostly). */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

/** The thread's next message, or its failure. */
function nextMessage<T>(worker: Worker): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

export class LoadThreads {
  private constructor(private readonly workers: Worker[]) {}

  /** Starts `threads` threads, deals the edges out round-robin, and waits until every connection is open. */
  static async start(opts: LoadThreadData & { threads: number }): Promise<LoadThreads> {
    const workers = Array.from({ length: opts.threads }, (_, t) => {
      const data: LoadThreadData = {
        endpoint: opts.endpoint,
        caPem: opts.caPem,
        connectClient: opts.connectClient,
        edges: opts.edges
          .filter((_, i) => i % opts.threads === t)
          .map(({ certPem, keyPem }) => ({ certPem, keyPem })),
      };
      return spawnWorker(new URL('./load-thread.ts', import.meta.url), { workerData: data });
    });
    await Promise.all(workers.map((w) => nextMessage(w))); // 'ready'
    return new LoadThreads(workers);
  }

  /** Runs one phase in every thread at once (a rate is split evenly between them) and merges the calls. */
  async run(phase: Phase): Promise<PhaseResult> {
    const n = this.workers.length;
    const results = await Promise.all(
      this.workers.map((w, t) => {
        const request: PhaseRequest =
          phase.kind === 'rate' ? { ...phase, rate: phase.rate / n, offset: t / n } : phase;
        const answer = nextMessage<ThreadPhaseResult>(w);
        w.postMessage(request);
        return answer;
      }),
    );
    const local = (wall: number) => wall - performance.timeOrigin;
    return {
      latencies: results.flatMap((r) => Array.from(r.latencies)),
      starts: results.flatMap((r) => Array.from(r.starts, local)),
      errors: results.reduce((sum, r) => sum + r.errors, 0),
      from: local(Math.min(...results.map((r) => r.from))),
      loopDelayP99Ms: Math.max(...results.map((r) => r.loopDelayP99Ms)),
      loopDelayMaxMs: Math.max(...results.map((r) => r.loopDelayMaxMs)),
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
