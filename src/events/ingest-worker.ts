// Worker thread for event ingest: frame validation (sharp) and age encryption off the event loop.
import { serveWorkerTasks } from '../jobs/worker-protocol.js';
import { prepareFrame, type PrepareFrameInput } from './frame-preparation.js';

serveWorkerTasks({
  prepareFrame: (input: PrepareFrameInput) => prepareFrame(input),
});
