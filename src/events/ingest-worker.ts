// Worker thread for event ingest: frame validation (sharp), age encryption and the spool's durable
// writes, off the event loop.
import { serveWorkerTasks } from '../jobs/worker-protocol.js';
import { prepareEvent, type PrepareEventInput } from './event-preparation.js';

serveWorkerTasks({
  prepareEvent: (input: PrepareEventInput) => prepareEvent(input),
});
