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
  allowedCameras: string[] | null;
  allowedLabels: string[] | null;
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
  /** Current-certificate edges by fingerprint; dropped whole whenever edges may have changed. */
  private readonly cache = new Map<string, EdgeRow>();
  private cacheVersion = '';

  constructor(
    private readonly edges: EdgeRepository,
    private readonly options: { requireTunnel: boolean; tunnelSubnet: string },
    /** SQLite's data_version: changes when another connection (the CLI, another process) commits. */
    private readonly dataVersion: () => number = () => 0,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The edge for a fingerprint, cached. The cache is valid only while neither this process
   * (EdgeRepository.writeVersion) nor any other (data_version) has written since it was filled, so a
   * revocation from anywhere still takes effect on the very next call.
   */
  private async edgeFor(fingerprint: string): Promise<EdgeRow | undefined> {
    const version = `${this.edges.writeVersion}:${this.dataVersion()}`;
    if (version !== this.cacheVersion) {
      this.cache.clear();
      this.cacheVersion = version;
    }
    const hit = this.cache.get(fingerprint);
    if (hit) return hit;
    const edge = await this.edges.findByCertificateFingerprint(fingerprint);
    const unchanged = this.cacheVersion === `${this.edges.writeVersion}:${this.dataVersion()}`;
    if (edge && unchanged && this.cache.size < 100_000) this.cache.set(fingerprint, edge);
    return edge;
  }

  async resolve(peer: PeerCertificate): Promise<EdgeIdentity> {
    if (!peer.fingerprint) throw new AppError('edge_certificate_required');
    if (!peer.authorized)
      throw new AppError('edge_unknown', 'the client certificate was not issued by this service');
    if (
      this.options.requireTunnel &&
      !(peer.remoteAddress && isInSubnet(peer.remoteAddress, this.options.tunnelSubnet))
    ) {
      throw new AppError(
        'tunnel_required',
        `calls must come through the WireGuard tunnel (${this.options.tunnelSubnet}), not from ${peer.remoteAddress}`,
      );
    }
    const edge = await this.edgeFor(peer.fingerprint);
    if (!edge) {
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
    return this.check(edge);
  }

  private check(edge: EdgeRow): EdgeIdentity {
    if (edge.status === 'revoked')
      throw new AppError(
        'edge_revoked',
        `edge ${edge.name} has been revoked${edge.revoked_reason ? `: ${edge.revoked_reason}` : ''}`,
      );
    if (edge.cert_expires_at !== null && edge.cert_expires_at <= this.now())
      throw new AppError('certificate_expired');
    return {
      edgeId: edge.id,
      name: edge.name,
      certificateFingerprint: edge.cert_fingerprint!,
      certificateExpiresAt: edge.cert_expires_at ?? 0,
      allowedCameras: edge.allowed_cameras ? (JSON.parse(edge.allowed_cameras) as string[]) : null,
      allowedLabels: edge.allowed_labels ? (JSON.parse(edge.allowed_labels) as string[]) : null,
    };
  }
}
