import type { DomainEventBus } from '../app/domain-events.js';
import type { Db } from '../db/database.js';
import type { Transactor } from '../db/transaction.js';
import { newId } from '../db/ids.js';
import { AppError } from '../errors/app-error.js';
import type { Logger } from '../logging/logger.js';
import type { BootstrapTokenRepository, BootstrapTokenRow } from './bootstrap-token-repository.js';
import type { BootstrapTokenService } from './bootstrap-token-service.js';
import type { EdgeRepository, EdgeRow } from './edge-repository.js';
import { assertEdgeName, assertWireGuardKey } from './names.js';
import type { CertificateAuthority } from './pki/certificate-authority.js';
import { parseCsr } from './pki/csr.js';
import { allocateTunnelAddress, parseSubnet } from './tunnel-addresses.js';
import type { WireGuardPeerSync } from './wireguard/peer-sync.js';

export interface EnrollInput {
  bootstrapToken: string;
  edgeName: string;
  wireguardPublicKey: string;
  csrPem: string;
  softwareVersion: string;
}

/** What an edge needs to bring its side of the tunnel up. */
export interface EdgeWireGuardConfig {
  serverPublicKey: string;
  serverEndpoint: string;
  edgeAddress: string;
  serverAddress: string;
  allowedIps: string[];
  persistentKeepaliveSeconds: number;
}

export interface EnrollResult {
  edgeId: string;
  reenrolled: boolean;
  certificatePem: string;
  caCertificatePem: string;
  certificateExpiresAt: number;
  wireguard: EdgeWireGuardConfig;
  grpcEndpoint: string;
  allowedCameras: string[];
}

export interface EnrollmentSettings {
  subnet: string;
  wireguardEndpoint: string;
  persistentKeepaliveSeconds: number;
  grpcEndpoint: string;
  certificateValidityDays: number;
}

/**
 * Enrolment: token -> validated request -> signed certificate -> one database transaction (token
 * use, edge row, certificate record) -> WireGuard peer applied. Every check that can fail runs
 * before the transaction, and the transaction is all-or-nothing, so a refused enrolment leaves
 * nothing half-registered.
 */
export class EnrollmentService {
  constructor(
    private readonly inTransaction: Transactor,
    private readonly tokens: BootstrapTokenService,
    private readonly tokenRepo: BootstrapTokenRepository,
    private readonly edges: EdgeRepository,
    private readonly ca: CertificateAuthority,
    private readonly peers: WireGuardPeerSync,
    private readonly bus: DomainEventBus,
    private readonly settings: EnrollmentSettings,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async enroll(input: EnrollInput): Promise<EnrollResult> {
    const token = await this.tokens.check(input.bootstrapToken);
    assertEdgeName(input.edgeName);
    assertWireGuardKey(input.wireguardPublicKey);
    if (input.wireguardPublicKey === this.peers.driver.publicKey)
      throw new AppError('validation_failed', "wireguard_public_key is the service's own key");
    if (input.softwareVersion.length > 64)
      throw new AppError('validation_failed', 'software_version is longer than 64 characters');
    await parseCsr(input.csrPem);

    const existing = await this.edgeToReenroll(token, input.edgeName);
    await this.assertKeyFree(input.wireguardPublicKey, existing?.id);
    const edgeId = existing?.id ?? newId();
    const cert = await this.ca.issueClientCertificate(
      input.csrPem,
      { id: edgeId, name: input.edgeName },
      this.settings.certificateValidityDays,
    );
    const now = this.now();

    // Everything inside reads and writes through trx only: a query through the root handle here
    // would wait for this very transaction (guarded-sqlite-driver.ts).
    const recorded = await this.inTransaction(async (trx) => {
      if (!(await this.tokenRepo.consume(trx, token.id, now))) throw new LostTokenRace();
      // Concurrent enrolments passed the checks above together; the first to commit wins.
      if ((await this.edges.findByName(input.edgeName, trx))?.id !== existing?.id)
        throw nameTaken(input.edgeName);
      await this.assertKeyFree(input.wireguardPublicKey, existing?.id, trx);
      const address =
        existing?.tunnel_address ??
        allocateTunnelAddress(this.settings.subnet, await this.edges.usedTunnelAddresses(trx));
      // A re-enrolment token without its own camera/label lists keeps the edge's.
      const keepRestrictions = existing && token.allowed_cameras === null && token.allowed_labels === null;
      const fields = {
        status: 'active' as const,
        bootstrap_token_id: token.id,
        cert_serial: cert.serial,
        cert_fingerprint: cert.fingerprint,
        cert_expires_at: cert.notAfter,
        allowed_cameras: keepRestrictions ? existing.allowed_cameras : token.allowed_cameras,
        allowed_labels: keepRestrictions ? existing.allowed_labels : token.allowed_labels,
        wg_public_key: input.wireguardPublicKey,
        tunnel_address: address,
        software_version: input.softwareVersion || null,
        revoked_at: null,
        revoked_reason: null,
        updated_at: now,
      };
      if (existing) {
        await this.edges.update(edgeId, { ...fields, enrolled_at: now }, trx);
        await this.edges.revokeCertificates(edgeId, now, null, trx);
      } else {
        await this.edges.insert(
          {
            id: edgeId,
            name: input.edgeName,
            ...fields,
            enrolled_at: now,
            created_at: now,
            capabilities: null,
            last_seen_at: null,
            last_rtt_ms: null,
          },
          trx,
        );
      }
      await this.edges.insertCertificate(
        {
          serial: cert.serial,
          edge_id: edgeId,
          fingerprint: cert.fingerprint,
          not_before: cert.notBefore,
          not_after: cert.notAfter,
          revoked_at: null,
        },
        trx,
      );
      return { address, allowedCameras: fields.allowed_cameras };
    }).catch(async (err: unknown) => {
      // Lost the race for the last use, or the token changed since check(): say which, now
      // that the transaction has let go of the connection.
      if (err instanceof LostTokenRace) {
        await this.tokens.check(input.bootstrapToken);
        throw new AppError('bootstrap_token_used_up');
      }
      throw err;
    });

    // The database is the truth; a failed apply is retried by the periodic sync.
    await this.peers.sync().catch(() => undefined);
    this.bus.publish('edge.enrolled', { edgeId, name: input.edgeName, reenrolled: Boolean(existing) });
    this.log.info(
      {
        edgeId,
        edge: input.edgeName,
        reenrolled: Boolean(existing),
        tunnelAddress: recorded.address,
        token: token.name,
      },
      'edge enrolled',
    );

    const subnet = parseSubnet(this.settings.subnet);
    return {
      edgeId,
      reenrolled: Boolean(existing),
      certificatePem: cert.pem,
      caCertificatePem: this.ca.certPem,
      certificateExpiresAt: cert.notAfter,
      wireguard: {
        serverPublicKey: this.peers.driver.publicKey,
        serverEndpoint: this.settings.wireguardEndpoint,
        edgeAddress: `${recorded.address}/32`,
        serverAddress: subnet.serverAddress,
        allowedIps: [`${subnet.serverAddress}/32`],
        persistentKeepaliveSeconds: this.settings.persistentKeepaliveSeconds,
      },
      grpcEndpoint: this.settings.grpcEndpoint,
      allowedCameras: recorded.allowedCameras ? (JSON.parse(recorded.allowedCameras) as string[]) : [],
    };
  }

  /**
   * The edge this enrolment re-enrols, or undefined for a new one. A name is never taken over: an
   * existing name needs a token made to re-enrol that very edge, and such a token enrols nothing else.
   */
  private async edgeToReenroll(token: BootstrapTokenRow, name: string): Promise<EdgeRow | undefined> {
    const existing = await this.edges.findByName(name);
    if (token.reenroll_edge_id === null) {
      if (existing) throw nameTaken(name);
      return undefined;
    }
    if (existing?.id !== token.reenroll_edge_id) {
      const target = await this.edges.get(token.reenroll_edge_id);
      throw new AppError(
        'bootstrap_token_wrong_edge',
        `bootstrap token "${token.name}" only re-enrols the edge named "${target?.name ?? '(deleted)'}"`,
      );
    }
    return existing;
  }

  private async assertKeyFree(key: string, edgeId: string | undefined, db?: Db): Promise<void> {
    const keyOwner = await this.edges.findByWireGuardKey(key, db);
    if (keyOwner && keyOwner.id !== edgeId) {
      throw new AppError(
        'conflict',
        'this WireGuard public key is already registered to another edge; generate a new key pair',
        { field: 'wireguard_public_key' },
      );
    }
  }
}

class LostTokenRace extends Error {}

function nameTaken(name: string): AppError {
  return new AppError(
    'edge_name_taken',
    `an edge named "${name}" is already enrolled: choose another name, or ask the administrator for a ` +
      `re-enrolment token for that edge (uservm bootstrap-token create --name ... --reenroll <edge id>)`,
    { field: 'edge_name' },
  );
}
