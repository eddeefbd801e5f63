/**
 * One load-generator thread of bench/edge-api: holds its share of the enrolled edges' mTLS
 * connections and runs the phases the main thread asks for. Its results come back with wall-clock
 * start times, so that the main thread can merge the threads' calls on one clock.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { EdgeService } from '../../src/gen/guardian/edge/v1/edge_pb.js';
import { edgeClient, edgeTransport } from '../../src/edge-client/transport.js';
import { leanGrpcClient } from '../support/lean-grpc-client.js';
import { closedLoop, openLoop } from '../support/load.js';
import type { LoadThreadData, PhaseRequest, ThreadPhaseResult } from './load-threads.js';

const data = workerData as LoadThreadData;
const edges = data.edges.map((e) => {
  const credentials = { endpoint: data.endpoint, caPem: data.caPem, certPem: e.certPem, keyPem: e.keyPem };
  if (data.connectClient) return edgeClient(EdgeService, edgeTransport(credentials));
  const lean = leanGrpcClient(credentials);
  return {
    heartbeat: (message: { sentAtMs: bigint }) =>
      lean.unary(EdgeService, EdgeService.method.heartbeat, message),
  };
});
const heartbeat = (edge: (typeof edges)[number]) => edge.heartbeat({ sentAtMs: BigInt(Date.now()) });
const delay = monitorEventLoopDelay({ resolution: 1 });

async function run(phase: PhaseRequest): Promise<ThreadPhaseResult> {
  delay.reset();
  delay.enable();
  const result =
    phase.kind === 'saturation'
      ? await closedLoop(edges, phase.seconds, heartbeat)
      : await openLoop(edges, phase.rate, phase.seconds, heartbeat, phase.offset);
  delay.disable();
  const wall = (t: number) => performance.timeOrigin + t;
  return {
    latencies: Float64Array.from(result.latencies),
    starts: Float64Array.from(result.starts, wall),
    errors: result.errors,
    from: wall(result.from),
    loopDelayP99Ms: delay.percentile(99) / 1e6,
    loopDelayMaxMs: delay.max / 1e6,
  };
}

parentPort!.on('message', (phase: PhaseRequest) => {
  void run(phase).then((r) =>
    parentPort!.postMessage(r, [r.latencies.buffer as ArrayBuffer, r.starts.buffer as ArrayBuffer]),
  );
});
// Open every connection before the first phase.
await Promise.all(edges.map((e) => e.heartbeat({ sentAtMs: 0n })));
parentPort!.postMessage('ready');
