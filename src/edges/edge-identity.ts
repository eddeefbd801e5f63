import { AppError } from '../errors/app-error.js';
import type { EdgeRepository, EdgeRow } from './edge-repository.js';
import { isInSubnet } from './tunnel-addresses.js';

/** What a handler knows about its caller. */
export interface EdgeIdentity {
  edgeId: string;
  name: string;
  certificateFingerprint: string;
  certificateExpiresAt: number;
  /** null: any camera. */
  allowedCameras: readonly string[] | null;
  allowedLabels: readonly string[] | null;
}

export interface PeerCertificate {
  /** Whether the TLS layer verified the chain to our CA. */
  authorized: boolean;
  /** sha256 of the DER certificate, lowercase hex; null when the client sent none. */
  fingerprint: string | null;
  remoteAddress: string | null;
}

/**
 * Maps a TLS peer to an edge on *every* call (not per connection), so a revocation or a renewal
 * takes effect on the very next call even over an existing HTTP/2 connection.
 */
export class EdgeIdentityResolver {
  /**
   * Current-certificate edges by fingerprint, with the identity handed to handlers made once per
   * fill (not per call: this runs on every call); dropped whole whenever edges may have changed.
   */
  private readonly cache = new Map<string, { edge: EdgeRow; identity: EdgeIdentity }>();
  private cachedWrites = -1;
  private cachedDataVersion = -1;
  private readonly tunnelChecked = new WeakMap<PeerCertificate, boolean>();

  constructor(
    private readonly edges: EdgeRepository,
    private readonly options: { requireTunnel: boolean; tunnelSubnet: string },
    /** SQLite's data_version: changes when another connection (the CLI, another process) commits. */
    private readonly dataVersion: () => number = () => 0,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether nothing has written to edges, here or in another process, since the cache was filled. */
  private cacheIsCurrent(): boolean {
    return this.cachedWrites === this.edges.writeVersion && this.cachedDataVersion === this.dataVersion();
  }

  /**
   * The edge for a fingerprint, cached. The cache is valid only while neither this process
   * (EdgeRepository.writeVersion) nor any other (data_version) has written since it was filled, so a
   * revocation from anywhere still takes effect on the very next call.
   */
  private async edgeFor(fingerprint: string): Promise<{ edge: EdgeRow; identity: EdgeIdentity } | undefined> {
    if (!this.cacheIsCurrent()) {
      this.cache.clear();
      this.cachedWrites = this.edges.writeVersion;
      this.cachedDataVersion = this.dataVersion();
    }
    const hit = this.cache.get(fingerprint);
    if (hit) return hit;
    const edge = await this.edges.findByCertificateFingerprint(fingerprint);
    if (!edge) return undefined;
    const entry = { edge, identity: identityOf(edge) };
    if (this.cacheIsCurrent() && this.cache.size < 100_000) this.cache.set(fingerprint, entry);
    return entry;
  }

  /**
   * The identity, synchronously, when the cache holds a current entry for this peer and every check
   * passes; undefined sends the caller to `resolve`, which also says why a call is refused.
   */
  resolveCached(peer: PeerCertificate): EdgeIdentity | undefined {
    if (!peer.fingerprint || !peer.authorized || !this.tunnelAllows(peer) || !this.cacheIsCurrent())
      return undefined;
    const hit = this.cache.get(peer.fingerprint);
    if (!hit || hit.edge.status !== 'active' || this.expired(hit.edge)) return undefined;
    return hit.identity;
  }

  /** Whether the peer came through the tunnel; asked once per connection (a peer is one TLS session). */
  private tunnelAllows(peer: PeerCertificate): boolean {
    if (!this.options.requireTunnel) return true;
    let allowed = this.tunnelChecked.get(peer);
    if (allowed === undefined) {
      allowed = peer.remoteAddress !== null && isInSubnet(peer.remoteAddress, this.options.tunnelSubnet);
      this.tunnelChecked.set(peer, allowed);
    }
    return allowed;
  }

  private expired(edge: EdgeRow): boolean {
    return edge.cert_expires_at !== null && edge.cert_expires_at <= this.now();
  }

  async resolve(peer: PeerCertificate): Promise<EdgeIdentity> {
    if (!peer.fingerprint) throw new AppError('edge_certificate_required');
    if (!peer.authorized)
      throw new AppError('edge_unknown', 'the client certificate was not issued by this service');
    if (!this.tunnelAllows(peer)) {
      throw new AppError(
        'tunnel_required',
        `calls must come through the WireGuard tunnel (${this.options.tunnelSubnet}), not from ${peer.remoteAddress}`,
      );
    }
    const found = await this.edgeFor(peer.fingerprint);
    if (!found) {
      const old = await this.edges.findSupersededCertificate(peer.fingerprint);
      if (old) {
        const owner = await this.edges.get(old.edge_id);
        if (owner?.status === 'revoked')
          throw new AppError(
            'edge_revoked',
            `edge ${owner.name} has been revoked${owner.revoked_reason ? `: ${owner.revoked_reason}` : ''}`,
          );
        throw new AppError(
          'certificate_superseded',
          'this certificate was replaced (renewal or re-enrolment); use the newest one',
        );
      }
      throw new AppError('edge_unknown');
    }
    const { edge, identity } = found;
    if (edge.status === 'revoked')
      throw new AppError(
        'edge_revoked',
        `edge ${edge.name} has been revoked${edge.revoked_reason ? `: ${edge.revoked_reason}` : ''}`,
      );
    if (this.expired(edge)) throw new AppError('certificate_expired');
    return identity;
  }
}

/** Frozen: one identity object now serves every call of that edge until the cache is dropped. */
function identityOf(edge: EdgeRow): EdgeIdentity {
  const list = (json: string | null) => (json ? Object.freeze(JSON.parse(json) as string[]) : null);
  return Object.freeze({
    edgeId: edge.id,
    name: edge.name,
    certificateFingerprint: edge.cert_fingerprint!,
    certificateExpiresAt: edge.cert_expires_at ?? 0,
    allowedCameras: list(edge.allowed_cameras),
    allowedLabels: list(edge.allowed_labels),
  });
}
