// Worker thread holding one training replica of the CAE (see replica-group.ts).
import { serveWorkerTasks } from '../jobs/worker-protocol.js';
import { ReplicaHost, type BatchShare, type ReplicaSetup } from './replica-group.js';

const host = new ReplicaHost();

serveWorkerTasks({
  init: (setup: ReplicaSetup) => host.init(setup),
  gradients: (share: BatchShare) => host.gradients(share),
  apply: (grads: Float32Array) => host.apply(grads),
  scores: (indices: number[]) => host.scores(indices),
  parameters: () => host.parameters(),
});
