import { randomUUID } from 'node:crypto';
import type { Logger } from '../logging/logger.js';
import { backoffDelay, type BackoffPolicy } from './job-queue.js';
import { PermanentJobError, type JobProgress, type JobRegistry } from './job-registry.js';
import type { JobRepository, JobRow } from './job-repository.js';

/** A job that took the process down this many times is not tried again. */
const DEFAULT_MAX_INTERRUPTIONS = 10;

export interface JobRunnerOptions {
  concurrency: number;
  pollIntervalMs: number;
  leaseMs: number;
  backoff: BackoffPolicy;
  retentionDays: number;
  /** Times a job's runner may stop under it (process killed) before the job is buried. */
  maxInterruptions?: number;
  /** Minimum time between two progress writes of one job. */
  progressIntervalMs?: number;
}

export interface JobOutcome {
  type: string;
  status: 'succeeded' | 'retrying' | 'dead' | 'cancelled' | 'released' | 'lost';
  seconds: number;
}

type AbortReason = 'cancelled' | 'shutdown' | 'lease_lost';
const HOUSEKEEPING_MS = 60_000;

/**
 * The consumer side of the queue: leases due jobs, runs their handlers with at most `concurrency`
 * at once, renews leases while they run, and records the outcome. A runner that dies simply stops
 * renewing; its jobs' leases expire and another runner (or this one after restart) takes them.
 */
export class JobRunner {
  readonly owner = `runner-${randomUUID()}`;
  private readonly active = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private lastHousekeeping = 0;
  private lastReclaim = 0;

  constructor(
    private readonly repo: JobRepository,
    private readonly registry: JobRegistry,
    private readonly options: JobRunnerOptions,
    private readonly log: Logger,
    private readonly onOutcome: (outcome: JobOutcome) => void = () => {},
    private readonly now: () => number = Date.now,
  ) {}

  get activeCount(): number {
    return this.active.size;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.pollLoop();
  }

  /** Wakes an idle runner, e.g. right after an enqueue, instead of waiting for the next poll. */
  wake(): void {
    this.wakeUp?.();
  }

  /**
   * Stops leasing, waits up to `deadlineMs` for running jobs, then aborts the rest and hands them
   * back to the queue (their attempt refunded) so the next start runs them again.
   */
  async stop(deadlineMs: number): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    const all = Promise.all([...this.active.values()].map((a) => a.done));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      all.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), deadlineMs))),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      this.log.warn(
        { jobs: [...this.active.keys()] },
        'shutdown deadline reached; handing unfinished jobs back to the queue',
      );
      for (const a of this.active.values()) a.controller.abort('shutdown' satisfies AbortReason);
      await all;
    }
  }

  /** Leases and runs due jobs until none is left or the limit is reached; for tests and tools. */
  async drain(limit = Number.POSITIVE_INFINITY): Promise<number> {
    await this.reclaim();
    let n = 0;
    while (n < limit) {
      const job = await this.repo.leaseNext(
        this.owner,
        this.now(),
        this.options.leaseMs,
        this.registry.types(),
      );
      if (!job) break;
      await this.execute(job);
      n++;
    }
    return n;
  }

  private async pollLoop(): Promise<void> {
    while (this.running) {
      try {
        await this.housekeeping();
        while (this.running && this.active.size < this.options.concurrency) {
          const job = await this.repo.leaseNext(
            this.owner,
            this.now(),
            this.options.leaseMs,
            this.registry.types(),
          );
          if (!job) break;
          const controller = new AbortController();
          const done = this.execute(job, controller).finally(() => {
            this.active.delete(job.id);
            this.wake();
          });
          this.active.set(job.id, { controller, done });
        }
      } catch (err) {
        this.log.error({ err }, 'job poll failed');
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.pollIntervalMs);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = undefined;
    }
  }

  private async housekeeping(): Promise<void> {
    const now = this.now();
    // Expired leases are looked for a few times per lease period, not on every lease: the lease
    // query then only reads queued rows through its index.
    if (now - this.lastReclaim >= Math.min(5_000, this.options.leaseMs / 4)) await this.reclaim();
    if (now - this.lastHousekeeping < HOUSEKEEPING_MS) return;
    this.lastHousekeeping = now;
    await this.repo.deleteFinishedBefore(now - this.options.retentionDays * 86_400_000);
  }

  private async reclaim(): Promise<void> {
    this.lastReclaim = this.now();
    // Not this runner's own jobs: they are running here, and a renewal the busy event loop ran
    // late must not start a second copy of a job that is still at work (it would, for example,
    // clear a training's epochs while the first run finishes).
    const { requeued, buried } = await this.repo.reclaimExpired(
      this.lastReclaim,
      this.options.maxInterruptions ?? DEFAULT_MAX_INTERRUPTIONS,
      this.owner,
    );
    if (requeued > 0)
      this.log.warn({ requeued }, 'jobs whose runner stopped renewing their lease were queued again');
    for (const job of buried) {
      this.log.error(
        { jobId: job.id, jobType: job.type, interruptions: job.interruptions },
        'job buried: its runner stopped under it too often',
      );
      await this.registry
        .get(job.type)
        ?.onBuried?.(
          JSON.parse(job.payload as string) as never,
          `the service stopped ${job.interruptions} times while it ran`,
        )
        .catch((err: unknown) => this.log.error({ err, jobId: job.id }, 'a buried job could not record it'));
    }
  }

  private async execute(job: JobRow, controller = new AbortController()): Promise<void> {
    const started = this.now();
    const log = this.log.child({ jobId: job.id, jobType: job.type, attempt: job.attempts });
    const definition = this.registry.get(job.type);
    const report = (status: JobOutcome['status']) =>
      this.onOutcome({ type: job.type, status, seconds: (this.now() - started) / 1000 });
    if (!definition) {
      // Only leased for registered types, so this means a registry changed under us.
      await this.repo.finish(job.id, this.owner, 'dead', this.now(), {
        error: `no handler for job type ${job.type}`,
      });
      return report('dead');
    }

    const renewEvery = Math.max(250, Math.floor(this.options.leaseMs / 3));
    const renewTimer = setInterval(() => {
      this.repo
        .renewLease(job.id, this.owner, this.now(), this.options.leaseMs)
        .then((state) => {
          if (state === null) controller.abort('lease_lost' satisfies AbortReason);
          else if (state.cancelRequested) controller.abort('cancelled' satisfies AbortReason);
        })
        .catch((err) => log.error({ err }, 'lease renewal failed'));
    }, renewEvery);

    const progress = this.progressWriter(job.id);
    try {
      const result = await definition.handler({
        id: job.id,
        type: job.type,
        payload: JSON.parse(job.payload),
        attempt: job.attempts,
        maxAttempts: job.max_attempts,
        signal: controller.signal,
        reportProgress: progress.report,
        log,
      });
      await progress.flush();
      if (controller.signal.aborted) throw new Error(String(controller.signal.reason));
      const ok = await this.repo.finish(job.id, this.owner, 'succeeded', this.now(), {
        result: JSON.stringify(result ?? null),
      });
      report(ok ? 'succeeded' : 'lost');
    } catch (err) {
      await progress.flush();
      report(await this.recordFailure(job, err, controller.signal, log));
    } finally {
      clearInterval(renewTimer);
    }
  }

  private async recordFailure(
    job: JobRow,
    err: unknown,
    signal: AbortSignal,
    log: Logger,
  ): Promise<JobOutcome['status']> {
    const now = this.now();
    const message = err instanceof Error ? err.message : String(err);
    const reason = signal.aborted ? (signal.reason as AbortReason) : undefined;
    if (reason === 'lease_lost') {
      log.warn('lease lost while running; another runner owns the job now');
      return 'lost';
    }
    if (reason === 'cancelled') {
      await this.repo.finish(job.id, this.owner, 'cancelled', now, { error: 'cancelled' });
      log.info('job cancelled');
      return 'cancelled';
    }
    if (reason === 'shutdown') {
      await this.repo.requeue(job.id, this.owner, now, now, 'interrupted by shutdown', true);
      return 'released';
    }
    if (err instanceof PermanentJobError || job.attempts >= job.max_attempts) {
      await this.repo.finish(job.id, this.owner, 'dead', now, { error: message });
      log.error({ err }, 'job failed for good (dead letter)');
      return 'dead';
    }
    const delay = backoffDelay(job.attempts, this.options.backoff);
    await this.repo.requeue(job.id, this.owner, now + delay, now, message, false);
    log.warn({ err, retryInMs: delay }, 'job failed; will retry');
    return 'retrying';
  }

  /** Progress is written at most every progressIntervalMs, and once more at the end. */
  private progressWriter(jobId: string): { report: (p: JobProgress) => void; flush: () => Promise<void> } {
    const interval = this.options.progressIntervalMs ?? 500;
    let pending: JobProgress | undefined;
    let lastWrite = 0;
    let writing: Promise<void> = Promise.resolve();
    const write = () => {
      if (!pending) return writing;
      const text = JSON.stringify({ ...pending, updatedAt: new Date(this.now()).toISOString() });
      pending = undefined;
      lastWrite = this.now();
      writing = writing
        .then(() => this.repo.setProgress(jobId, this.owner, text, this.now()))
        .catch(() => undefined);
      return writing;
    };
    return {
      report: (p) => {
        pending = p;
        if (this.now() - lastWrite >= interval) void write();
      },
      flush: async () => {
        await write();
      },
    };
  }
}
