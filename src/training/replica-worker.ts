// Worker thread holding one training replica of the CAE (see replica-group.ts, replica-host.ts).
import { serveWorkerTasks } from '../jobs/worker-protocol.js';
import { ReplicaHost } from './replica-host.js';

const host = new ReplicaHost();

serveWorkerTasks({
  init: (setup: Parameters<ReplicaHost['init']>[0]) => host.init(setup),
  gradientsToSlot: (task: Parameters<ReplicaHost['gradientsToSlot']>[0]) => host.gradientsToSlot(task),
  adamRange: (task: Parameters<ReplicaHost['adamRange']>[0]) => host.adamRange(task),
  scores: (task: Parameters<ReplicaHost['scores']>[0]) => host.scores(task),
});
