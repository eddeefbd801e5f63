export interface WireGuardPeer {
  publicKey: string;
  /** e.g. ["100.96.0.2/32"] */
  allowedIps: string[];
}

export interface PeerStatus {
  publicKey: string;
  endpoint: string | null;
  /** Epoch ms of the last handshake, null if never. */
  latestHandshakeAt: number | null;
  rxBytes: number;
  txBytes: number;
}

/**
 * Manages the service's WireGuard interface. The peer set always comes whole from the database
 * (active edges), and applying it never drops a live peer that stays in the set.
 */
export interface WireGuardDriver {
  readonly kind: 'none' | 'wg';
  readonly publicKey: string;
  /** Creates / configures the interface (idempotent). */
  start(): Promise<void>;
  syncPeers(peers: WireGuardPeer[]): Promise<void>;
  peerStatus(): Promise<PeerStatus[]>;
}

/** For development without root: peers are only recorded, no interface exists. */
export class NoneWireGuardDriver implements WireGuardDriver {
  readonly kind = 'none' as const;
  private peers: WireGuardPeer[] = [];

  constructor(readonly publicKey: string) {}

  async start(): Promise<void> {}

  async syncPeers(peers: WireGuardPeer[]): Promise<void> {
    this.peers = peers.map((p) => ({ ...p, allowedIps: [...p.allowedIps] }));
  }

  async peerStatus(): Promise<PeerStatus[]> {
    return this.peers.map((p) => ({
      publicKey: p.publicKey,
      endpoint: null,
      latestHandshakeAt: null,
      rxBytes: 0,
      txBytes: 0,
    }));
  }
}
