// Worker thread running one detector (loaded once, on the first request).
import { workerData } from 'node:worker_threads';
import sharp from 'sharp';
import { serveWorkerTasks } from '../jobs/worker-protocol.js';
import { runDetection, type DetectRequest } from './detection.js';
import { createDetector, type DetectorSpec } from './detector-factory.js';
import type { Detector } from './types.js';

const spec = workerData as DetectorSpec;
// One libvips thread per operation (process-wide): the service parallelises with worker threads
// already, and libvips threads on top of them oversubscribe the cores (2 workers scaled 1.65x, now 1.75x).
sharp.concurrency(1);
let detector: Promise<Detector> | undefined;

serveWorkerTasks(
  {
    detect: async (req: DetectRequest) =>
      runDetection(await (detector ??= createDetector(spec)), spec.filters, req, spec.smallObjectSide),
  },
  async () => (await detector?.catch(() => undefined))?.dispose(),
);
