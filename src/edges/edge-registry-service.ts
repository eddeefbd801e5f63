import type { DomainEventBus } from '../app/domain-events.js';
import { AppError } from '../errors/app-error.js';
import type { Logger } from '../logging/logger.js';
import type { EdgeIdentity } from './edge-identity.js';
import type { EdgeRepository, EdgeRow } from './edge-repository.js';
import { LastSeenBuffer } from './last-seen-buffer.js';
import type { CertificateAuthority } from './pki/certificate-authority.js';
import type { WireGuardPeerSync } from './wireguard/peer-sync.js';

export interface RegistrySettings {
  heartbeatIntervalSeconds: number;
  renewBeforeDays: number;
  certificateValidityDays: number;
}

export interface EdgeView {
  id: string;
  name: string;
  status: 'active' | 'revoked';
  online: boolean;
  lastSeenAt: string | null;
  lastRttMs: number | null;
  softwareVersion: string | null;
  enrolledAt: string;
  certificate: { serial: string | null; expiresAt: string | null; renewalDue: boolean };
  wireguard: {
    publicKey: string | null;
    address: string | null;
    endpoint: string | null;
    latestHandshakeAt: string | null;
    handshakeAgeSeconds: number | null;
    rxBytes: number;
    txBytes: number;
  };
  allowedCameras: string[] | null;
  capabilities: unknown;
  revokedAt: string | null;
  revokedReason: string | null;
}

/** Liveness, certificate renewal, revocation and the administrator's view of edges. */
export class EdgeRegistryService {
  private readonly lastSeen: LastSeenBuffer;

  constructor(
    private readonly edges: EdgeRepository,
    private readonly ca: CertificateAuthority,
    private readonly peers: WireGuardPeerSync,
    private readonly bus: DomainEventBus,
    private readonly settings: RegistrySettings,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.lastSeen = new LastSeenBuffer(edges, log);
  }

  /** Writes buffered heartbeats (on shutdown). */
  flush(): Promise<void> {
    return this.lastSeen.flush();
  }

  async heartbeat(
    identity: EdgeIdentity,
    input: { sentAtMs: number; lastRttMs: number; softwareVersion: string },
  ) {
    const now = this.now();
    this.lastSeen.record({
      id: identity.edgeId,
      last_seen_at: now,
      last_rtt_ms: input.lastRttMs > 0 && Number.isFinite(input.lastRttMs) ? input.lastRttMs : null,
      software_version: input.softwareVersion ? input.softwareVersion.slice(0, 64) : null,
    });
    return {
      serverTimeMs: now,
      echoedSentAtMs: input.sentAtMs,
      nextHeartbeatSeconds: this.settings.heartbeatIntervalSeconds,
      certificateRenewalDue: this.renewalDue(identity.certificateExpiresAt),
    };
  }

  async renewCertificate(identity: EdgeIdentity, csrPem: string) {
    const cert = await this.ca.issueClientCertificate(
      csrPem,
      { id: identity.edgeId, name: identity.name },
      this.settings.certificateValidityDays,
    );
    const now = this.now();
    await this.edges.update(identity.edgeId, {
      cert_serial: cert.serial,
      cert_fingerprint: cert.fingerprint,
      cert_expires_at: cert.notAfter,
      updated_at: now,
    });
    await this.edges.insertCertificate({
      serial: cert.serial,
      edge_id: identity.edgeId,
      fingerprint: cert.fingerprint,
      not_before: cert.notBefore,
      not_after: cert.notAfter,
      revoked_at: null,
    });
    await this.edges.revokeCertificates(identity.edgeId, now, cert.serial);
    this.log.info({ edgeId: identity.edgeId, serial: cert.serial }, 'edge certificate renewed');
    return {
      certificatePem: cert.pem,
      caCertificatePem: this.ca.certPem,
      certificateExpiresAt: cert.notAfter,
    };
  }

  /** Cuts the edge off: its next call fails, its WireGuard peer is removed, open connections are closed. */
  async revoke(edgeId: string, reason: string | null): Promise<EdgeView> {
    const edge = await this.require(edgeId);
    if (edge.status !== 'revoked') {
      const now = this.now();
      await this.edges.update(edgeId, {
        status: 'revoked',
        revoked_at: now,
        revoked_reason: reason,
        updated_at: now,
      });
      await this.edges.revokeCertificates(edgeId, now, null);
      await this.peers.sync().catch(() => undefined);
      this.bus.publish('edge.revoked', { edgeId, name: edge.name, reason });
      this.log.warn({ edgeId, edge: edge.name, reason }, 'edge revoked');
    }
    return this.get(edgeId);
  }

  /** Deletes an edge and everything of its cameras. Only revoked edges, so nothing live vanishes by mistake. */
  async delete(edgeId: string): Promise<void> {
    const edge = await this.require(edgeId);
    if (edge.status !== 'revoked')
      throw new AppError('conflict', `edge ${edge.name} is active; revoke it before deleting it`);
    await this.edges.delete(edgeId);
  }

  async list(): Promise<EdgeView[]> {
    const [rows, status] = await Promise.all([this.edges.list(), this.peers.status()]);
    return rows.map((r) => this.toView(r, status));
  }

  async get(edgeId: string): Promise<EdgeView> {
    const [row, status] = await Promise.all([this.require(edgeId), this.peers.status()]);
    return this.toView(row, status);
  }

  private async require(edgeId: string): Promise<EdgeRow> {
    const edge = await this.edges.get(edgeId);
    if (!edge) throw new AppError('not_found', `edge ${edgeId} does not exist`);
    return edge;
  }

  private renewalDue(expiresAt: number | null): boolean {
    return expiresAt !== null && expiresAt - this.now() <= this.settings.renewBeforeDays * 86_400_000;
  }

  private toView(
    stored: EdgeRow,
    wg: Map<
      string,
      { endpoint: string | null; latestHandshakeAt: number | null; rxBytes: number; txBytes: number }
    >,
  ): EdgeView {
    const now = this.now();
    const pending = this.lastSeen.peek(stored.id);
    const row = pending
      ? {
          ...stored,
          last_seen_at: pending.last_seen_at,
          last_rtt_ms: pending.last_rtt_ms ?? stored.last_rtt_ms,
          software_version: pending.software_version ?? stored.software_version,
        }
      : stored;
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    const peer = row.wg_public_key ? wg.get(row.wg_public_key) : undefined;
    const offlineAfterMs = 3 * this.settings.heartbeatIntervalSeconds * 1000;
    return {
      id: row.id,
      name: row.name,
      status: row.status,
      online:
        row.status === 'active' && row.last_seen_at !== null && now - row.last_seen_at <= offlineAfterMs,
      lastSeenAt: iso(row.last_seen_at),
      lastRttMs: row.last_rtt_ms,
      softwareVersion: row.software_version,
      enrolledAt: new Date(row.enrolled_at).toISOString(),
      certificate: {
        serial: row.cert_serial,
        expiresAt: iso(row.cert_expires_at),
        renewalDue: this.renewalDue(row.cert_expires_at),
      },
      wireguard: {
        publicKey: row.wg_public_key,
        address: row.tunnel_address,
        endpoint: peer?.endpoint ?? null,
        latestHandshakeAt: iso(peer?.latestHandshakeAt ?? null),
        handshakeAgeSeconds: peer?.latestHandshakeAt
          ? Math.round((now - peer.latestHandshakeAt) / 1000)
          : null,
        rxBytes: peer?.rxBytes ?? 0,
        txBytes: peer?.txBytes ?? 0,
      },
      allowedCameras: row.allowed_cameras ? (JSON.parse(row.allowed_cameras) as string[]) : null,
      capabilities: row.capabilities ? JSON.parse(row.capabilities) : null,
      revokedAt: iso(row.revoked_at),
      revokedReason: row.revoked_reason,
    };
  }
}
