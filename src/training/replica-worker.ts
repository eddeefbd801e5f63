// Worker thread holding one training replica of the CAE (see replica-group.ts).
import { serveWorkerTasks } from '../jobs/worker-protocol.js';
import { ReplicaHost, type ReplicaSetup } from './replica-group.js';

const host = new ReplicaHost();

serveWorkerTasks({
  init: (setup: ReplicaSetup) => host.init(setup),
  gradientsToSlot: (task: Parameters<ReplicaHost['gradientsToSlot']>[0]) => host.gradientsToSlot(task),
  applyFromSlots: (task: Parameters<ReplicaHost['applyFromSlots']>[0]) => host.applyFromSlots(task),
  scores: (indices: number[]) => host.scores(indices),
  parameters: () => host.parameters(),
});
