import type { Logger } from '../logging/logger.js';
import type { EdgeRepository } from './edge-repository.js';

interface Pending {
  id: string;
  last_seen_at: number;
  last_rtt_ms: number | null;
  software_version: string | null;
}

/**
 * Heartbeats arrive thousands of times a second at scale; writing each one is wasted work since
 * liveness is judged over tens of seconds. They are kept here and written once a second in one
 * transaction; readers overlay what is still pending, so views are never stale.
 */
export class LastSeenBuffer {
  private pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly edges: EdgeRepository,
    private readonly log: Logger,
    private readonly intervalMs = 1_000,
  ) {}

  record(entry: Pending): void {
    const previous = this.pending.get(entry.id);
    this.pending.set(entry.id, {
      ...entry,
      last_rtt_ms: entry.last_rtt_ms ?? previous?.last_rtt_ms ?? null,
      software_version: entry.software_version ?? previous?.software_version ?? null,
    });
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.intervalMs);
      this.timer.unref();
    }
  }

  peek(edgeId: string): Pending | undefined {
    return this.pending.get(edgeId);
  }

  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    this.flushing = this.flushing
      .then(() => this.edges.touchMany(batch))
      .catch((err) => this.log.error({ err }, 'writing heartbeats failed'));
    return this.flushing;
  }
}
