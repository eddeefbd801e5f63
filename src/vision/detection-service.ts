/**
 * Object detection for the rest of the service: requests go to a pool of inference worker threads
 * (one per core by default, each loading the model once), queued with a bound (503 beyond it).
 */
import { WorkerPool, workerScript } from '../jobs/worker-pool.js';
import type { Logger } from '../logging/logger.js';
import type { DetectRequest, DetectResult } from './detection.js';
import type { DetectorSpec } from './detector-factory.js';

export class DetectionService {
  private pool?: WorkerPool;

  constructor(
    private readonly spec: DetectorSpec,
    private readonly options: { workers: number; maxQueue: number },
    private readonly log: Logger,
  ) {}

  /** Workers start on first use, so a service that never detects never loads a model. */
  private workers(): WorkerPool {
    return (this.pool ??= new WorkerPool(
      {
        script: workerScript(import.meta.url, 'detector-worker'),
        size: this.options.workers,
        maxQueue: this.options.maxQueue,
        workerData: this.spec,
        name: 'detector',
      },
      this.log,
    ));
  }

  /** Busy share of the inference workers (0 before the first request). */
  utilisation(): number {
    return this.pool ? this.pool.busyCount / this.pool.size : 0;
  }

  detect(req: DetectRequest): Promise<DetectResult> {
    return this.workers().run<DetectResult>('detect', req);
  }

  async close(): Promise<void> {
    await this.pool?.close();
    this.pool = undefined;
  }
}
