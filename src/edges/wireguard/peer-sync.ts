import type { Logger } from '../../logging/logger.js';
import type { EdgeRepository } from '../edge-repository.js';
import type { PeerStatus, WireGuardDriver } from './driver.js';

/**
 * Keeps the interface's peers equal to the active edges in the database. Called after every
 * enrollment and revocation, and periodically, so a failed apply (interface briefly down) heals.
 * Applies are serialised: two concurrent changes never race on `wg syncconf`.
 */
export class WireGuardPeerSync {
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  lastError: string | null = null;
  /** Epoch ms of the last successful apply; null before the first. */
  lastSyncAt: number | null = null;
  intervalMs = 30_000;

  constructor(
    readonly driver: WireGuardDriver,
    private readonly edges: EdgeRepository,
    private readonly log: Logger,
  ) {}

  async start(intervalMs = 30_000): Promise<void> {
    this.intervalMs = intervalMs;
    await this.driver.start();
    await this.sync();
    this.timer = setInterval(() => void this.sync().catch(() => undefined), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  sync(): Promise<void> {
    const next = this.chain.then(async () => {
      const peers = await this.edges.activePeers();
      try {
        await this.driver.syncPeers(
          peers.map((p) => ({ publicKey: p.wg_public_key, allowedIps: [`${p.tunnel_address}/32`] })),
        );
        this.lastError = null;
        this.lastSyncAt = Date.now();
      } catch (err) {
        this.lastError = (err as Error).message;
        this.log.error({ err }, 'applying WireGuard peers failed; will retry');
        throw err;
      }
    });
    this.chain = next.catch(() => undefined);
    return next;
  }

  async status(): Promise<Map<string, PeerStatus>> {
    try {
      return new Map((await this.driver.peerStatus()).map((s) => [s.publicKey, s]));
    } catch (err) {
      this.log.warn({ err }, 'reading WireGuard status failed');
      return new Map();
    }
  }
}
