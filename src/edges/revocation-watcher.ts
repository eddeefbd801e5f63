import type { Logger } from '../logging/logger.js';
import type { EdgeRepository } from './edge-repository.js';

/**
 * Revocations written by another process (`uservm edge revoke` opens the database itself) never
 * reach this process's event bus. Their next call already fails (identities are checked per call
 * against data_version), but an open stream would live on; so, whenever the database changed
 * from outside, this looks for edges revoked since the last look and hands them to `onRevoked`
 * (which closes their connections and removes their WireGuard peer).
 */
export class RevocationWatcher {
  private timer: NodeJS.Timeout | undefined;
  private lastDataVersion: number;
  private watermark: number;
  private running = false;

  constructor(
    private readonly edges: EdgeRepository,
    private readonly dataVersion: () => number,
    private readonly onRevoked: (edgeId: string) => Promise<void>,
    private readonly log: Logger,
    private readonly intervalMs = 500,
    now: () => number = Date.now,
  ) {
    this.lastDataVersion = dataVersion();
    // Edges revoked before start have no connections here yet.
    this.watermark = now();
  }

  start(): void {
    this.timer = setInterval(() => void this.check(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One look (also called by tests); overlapping looks are skipped. */
  async check(): Promise<void> {
    const version = this.dataVersion();
    if (version === this.lastDataVersion || this.running) return;
    this.running = true;
    try {
      this.lastDataVersion = version;
      for (const edge of await this.edges.revokedSince(this.watermark)) {
        await this.onRevoked(edge.id);
        this.watermark = Math.max(this.watermark, edge.revoked_at);
      }
    } catch (err) {
      this.log.warn({ err }, 'could not check for revocations made by another process');
    } finally {
      this.running = false;
    }
  }
}
