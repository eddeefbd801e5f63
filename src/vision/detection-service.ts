/**
 * Object detection for the rest of the service: requests go to a pool of inference worker threads
 * (one per core by default, each loading the model once), queued with a bound (503 beyond it).
 */
import sharp from 'sharp';
import { isAppError } from '../errors/app-error.js';
import { WorkerPool, workerScript } from '../jobs/worker-pool.js';
import type { Logger } from '../logging/logger.js';
import type { DetectRequest, DetectResult } from './detection.js';
import type { DetectorSpec } from './detector-factory.js';

export interface DetectorHealth {
  /** Workers exist (they start on first use or at warm-up). */
  started: boolean;
  /** A detection has succeeded since the last failure of the detector itself. */
  loaded: boolean;
  lastError: string | null;
  recentCrashes: number;
}

const CRASH_WINDOW_MS = 10 * 60_000;

export class DetectionService {
  private pool?: WorkerPool;
  private loaded = false;
  private lastError: string | null = null;

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

  async detect(req: DetectRequest): Promise<DetectResult> {
    try {
      const result = await this.workers().run<DetectResult>('detect', req);
      this.loaded = true;
      this.lastError = null;
      return result;
    } catch (err) {
      // A refused image (AppError) says nothing about the detector; anything else does.
      if (!isAppError(err)) {
        this.loaded = false;
        this.lastError = (err as Error).message;
      }
      throw err;
    }
  }

  /** Loads the model in every worker now (a blank frame each), so the first event does not wait. */
  async warmUp(): Promise<void> {
    const image = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#000' } })
      .jpeg()
      .toBuffer();
    await Promise.all(Array.from({ length: this.options.workers }, () => this.detect({ image })));
  }

  health(): DetectorHealth {
    return {
      started: this.pool !== undefined,
      loaded: this.loaded,
      lastError: this.lastError,
      recentCrashes: this.pool?.recentCrashes(CRASH_WINDOW_MS) ?? 0,
    };
  }

  async close(): Promise<void> {
    await this.pool?.close();
    this.pool = undefined;
  }
}
