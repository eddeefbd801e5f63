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
  constructor(
    private readonly edges: EdgeRepository,
    private readonly options: { requireTunnel: boolean; tunnelSubnet: string },
    private readonly now: () => number = Date.now,
  ) {}

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
    const edge = await this.edges.findByCertificateFingerprint(peer.fingerprint);
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
