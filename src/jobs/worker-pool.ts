import { Worker, type WorkerOptions } from 'node:worker_threads';
import { AppError } from '../errors/app-error.js';
import type { ErrorCode } from '../errors/catalogue.js';
import type { Logger } from '../logging/logger.js';
import { CLOSE_TASK, type WorkerReply, type WorkerRequest } from './worker-protocol.js';

/** How long a closing worker gets to release its resources before it is terminated. */
const CLOSE_GRACE_MS = 10_000;

export interface WorkerPoolOptions {
  /** Module that calls serveWorkerTasks(); a file URL. */
  script: URL;
  size: number;
  /** Tasks waiting for a free worker beyond this are refused (back-pressure). */
  maxQueue?: number;
  /** Data every worker receives once at start (e.g. model paths). */
  workerData?: unknown;
  name?: string;
}

interface Pending {
  id: number;
  task: string;
  payload: unknown;
  transfer: ArrayBuffer[];
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  onProgress?: (progress: unknown) => void;
  signal?: AbortSignal;
}

interface Slot {
  worker: Worker;
  busy?: Pending;
}

/**
 * A fixed set of worker threads for CPU-heavy work (detector inference, training) so it never
 * blocks the event loop. Each worker loads its models once; tasks queue FIFO with a bound. A worker
 * that crashes fails only its own task and is replaced.
 */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;
  /** When workers crashed (bounded), for self-health. */
  private readonly crashes: number[] = [];

  constructor(
    private readonly options: WorkerPoolOptions,
    private readonly log: Logger,
  ) {
    for (let i = 0; i < options.size; i++) this.slots.push(this.spawn());
  }

  get size(): number {
    return this.slots.length;
  }

  /** Worker crashes within the last `windowMs` (each crashed worker was replaced). */
  recentCrashes(windowMs: number, now = Date.now()): number {
    return this.crashes.filter((t) => t >= now - windowMs).length;
  }

  get busyCount(): number {
    return this.slots.filter((s) => s.busy).length;
  }

  get queueLength(): number {
    return this.queue.length;
  }

  run<R>(
    task: string,
    payload: unknown,
    options: { transfer?: ArrayBuffer[]; onProgress?: (p: unknown) => void; signal?: AbortSignal } = {},
  ): Promise<R> {
    if (this.closed) return Promise.reject(new AppError('shutting_down', 'worker pool is closed'));
    if (this.queue.length >= (this.options.maxQueue ?? Number.POSITIVE_INFINITY)) {
      return Promise.reject(
        new AppError(
          'unavailable',
          `${this.options.name ?? 'worker'} queue is full (${this.queue.length} waiting)`,
        ),
      );
    }
    if (options.signal?.aborted) return Promise.reject(new Error('aborted before start'));
    return new Promise<R>((resolve, reject) => {
      const pending: Pending = {
        id: this.nextId++,
        task,
        payload,
        transfer: options.transfer ?? [],
        resolve: resolve as (v: unknown) => void,
        reject,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      };
      // A task still waiting when its signal aborts leaves the queue; a running one finishes.
      options.signal?.addEventListener('abort', () => {
        const i = this.queue.indexOf(pending);
        if (i >= 0) {
          this.queue.splice(i, 1);
          reject(new Error('aborted while queued'));
        }
      });
      this.queue.push(pending);
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new AppError('shutting_down', 'worker pool closed'));
    // Tasks in flight end too: their workers are terminated and would never answer.
    for (const slot of this.slots) {
      slot.busy?.reject(new AppError('shutting_down', 'worker pool closed while the task ran'));
      slot.busy = undefined;
    }
    // Ask each worker to release its native resources and exit; terminate any that does not in time.
    await Promise.all(
      this.slots.map(
        (s) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => void s.worker.terminate().then(() => resolve()), CLOSE_GRACE_MS);
            s.worker.once('exit', () => (clearTimeout(timer), resolve()));
            s.worker.ref();
            s.worker.postMessage({ id: 0, task: CLOSE_TASK, payload: null } satisfies WorkerRequest);
          }),
      ),
    );
  }

  private spawn(): Slot {
    const options = { workerData: this.options.workerData, name: this.options.name ?? 'uservm-worker' };
    const worker = spawnWorker(this.options.script, options);
    const slot: Slot = { worker };
    worker.on('message', (msg: WorkerReply) => this.onMessage(slot, msg));
    worker.on('error', (err) => this.onCrash(slot, err));
    worker.on('exit', (code) => {
      if (!this.closed) this.onCrash(slot, new Error(`worker exited with code ${code}`));
    });
    // Idle workers must not keep the process alive; busy ones must (see dispatch/onMessage).
    worker.unref();
    return slot;
  }

  private onMessage(slot: Slot, msg: WorkerReply): void {
    const job = slot.busy;
    if (!job || msg.id !== job.id) return;
    if (msg.kind === 'progress') {
      job.onProgress?.(msg.progress);
      return;
    }
    slot.busy = undefined;
    slot.worker.unref();
    if (msg.kind === 'result') job.resolve(msg.result);
    // AppErrors thrown in the worker come back as AppErrors, so transports map them as usual.
    else if (msg.error.appCode)
      job.reject(new AppError(msg.error.appCode as ErrorCode, msg.error.message, msg.error.details));
    else
      job.reject(
        Object.assign(new Error(msg.error.message), { name: msg.error.name, stack: msg.error.stack }),
      );
    this.dispatch();
  }

  private onCrash(slot: Slot, err: Error): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.log.error({ err, pool: this.options.name }, 'worker thread crashed; replacing it');
    this.crashes.push(Date.now());
    if (this.crashes.length > 100) this.crashes.shift();
    slot.busy?.reject(new Error(`worker crashed: ${err.message}`));
    slot.busy = undefined;
    void slot.worker.terminate();
    if (this.closed) return;
    this.slots[index] = this.spawn();
    this.dispatch();
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.busy) continue;
      const next = this.queue.shift();
      if (!next) return;
      slot.busy = next;
      slot.worker.ref();
      const request: WorkerRequest = { id: next.id, task: next.task, payload: next.payload };
      slot.worker.postMessage(request, next.transfer);
    }
  }
}

/**
 * URL of a worker module next to `base` (an import.meta.url): `.ts` when running from source
 * (tests, tsx), `.js` when running the build.
 */
/**
 * Starts a worker thread on `script`. From TypeScript sources (tests, dev) Node 20 does not apply
 * an inherited loader to a worker's entry module, so a small bootstrap registers tsx first. The
 * build runs plain .js.
 */
export function spawnWorker(script: URL, options: WorkerOptions): Worker {
  return script.pathname.endsWith('.ts')
    ? new Worker(
        `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(script.href)}); })`,
        { ...options, eval: true },
      )
    : new Worker(script, options);
}

export function workerScript(base: string, stem: string): URL {
  const ext = base.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./${stem}${ext}`, base);
}
