import fs from 'node:fs';
import path from 'node:path';
import type { EdgeWireGuardConfig } from '../edges/enrollment-service.js';

/** What an enrolled edge keeps: its identity from enrollment and its own private keys (0600 files). */
export interface EdgeIdentityFile {
  edgeId: string;
  edgeName: string;
  grpcEndpoint: string;
  enrollmentEndpoint: string;
  caCertificatePem: string;
  certificatePem: string;
  certificateExpiresAt: number;
  wireguard: EdgeWireGuardConfig;
  allowedCameras: string[];
}

export class EdgeIdentityStore {
  constructor(private readonly dir: string) {}

  save(identity: EdgeIdentityFile, secrets: { tlsKeyPem: string; wireguardPrivateKey: string }): void {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(this.dir, 'tls.key'), secrets.tlsKeyPem, { mode: 0o600 });
    fs.writeFileSync(path.join(this.dir, 'wireguard.key'), `${secrets.wireguardPrivateKey}\n`, {
      mode: 0o600,
    });
    fs.writeFileSync(path.join(this.dir, 'identity.json'), JSON.stringify(identity, null, 2));
    fs.writeFileSync(path.join(this.dir, 'wg0.conf'), wgQuickConfig(identity, secrets.wireguardPrivateKey), {
      mode: 0o600,
    });
  }

  load(): EdgeIdentityFile & { tlsKeyPem: string } {
    const identity = JSON.parse(
      fs.readFileSync(path.join(this.dir, 'identity.json'), 'utf8'),
    ) as EdgeIdentityFile;
    return { ...identity, tlsKeyPem: fs.readFileSync(path.join(this.dir, 'tls.key'), 'utf8') };
  }

  updateCertificate(certificatePem: string, certificateExpiresAt: number, tlsKeyPem: string): void {
    const identity = JSON.parse(
      fs.readFileSync(path.join(this.dir, 'identity.json'), 'utf8'),
    ) as EdgeIdentityFile;
    fs.writeFileSync(path.join(this.dir, 'tls.key'), tlsKeyPem, { mode: 0o600 });
    fs.writeFileSync(
      path.join(this.dir, 'identity.json'),
      JSON.stringify({ ...identity, certificatePem, certificateExpiresAt }, null, 2),
    );
  }
}

/** A wg-quick configuration for the edge side of the tunnel. */
export function wgQuickConfig(identity: EdgeIdentityFile, privateKey: string): string {
  const wg = identity.wireguard;
  return [
    '[Interface]',
    `PrivateKey = ${privateKey}`,
    `Address = ${wg.edgeAddress}`,
    '',
    '[Peer]',
    `PublicKey = ${wg.serverPublicKey}`,
    `Endpoint = ${wg.serverEndpoint}`,
    `AllowedIPs = ${wg.allowedIps.join(', ')}`,
    `PersistentKeepalive = ${wg.persistentKeepaliveSeconds}`,
    '',
  ].join('\n');
}
