import type { Logger } from '../logging/logger.js';
import type { JobQueue } from './job-queue.js';

/**
 * Periodic jobs (retention, reconciliation, telemetry rollups): each is enqueued on its interval
 * with its type as dedupe key, so a run still queued or running is not doubled and several service
 * processes sharing one database schedule it once.
 */
export class JobScheduler {
  private readonly entries: { type: string; everyMs: number }[] = [];
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly queue: JobQueue,
    private readonly log: Logger,
  ) {}

  every(type: string, everyMs: number): void {
    this.entries.push({ type, everyMs });
  }

  start(): void {
    for (const { type, everyMs } of this.entries) {
      const timer = setInterval(() => {
        this.queue
          .enqueue(type, {}, { dedupeKey: type })
          .catch((err) => this.log.error({ err, type }, 'could not schedule job'));
      }, everyMs);
      timer.unref();
      this.timers.push(timer);
    }
  }

  stop(): void {
    this.timers.forEach(clearInterval);
    this.timers = [];
  }
}
