// Worker thread running one detector (loaded once, on the first request).
import { workerData } from 'node:worker_threads';
import { serveWorkerTasks } from '../jobs/worker-protocol.js';
import { runDetection, type DetectRequest } from './detection.js';
import { createDetector, type DetectorSpec } from './detector-factory.js';
import type { Detector } from './types.js';

const spec = workerData as DetectorSpec;
let detector: Promise<Detector> | undefined;

serveWorkerTasks({
  detect: async (req: DetectRequest) =>
    runDetection(await (detector ??= createDetector(spec)), spec.filters, req),
});
