import { createHash, randomBytes, webcrypto } from 'node:crypto';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
import fs from 'node:fs';
import path from 'node:path';
import { x509 } from './x509.js';
import type { Logger } from '../../logging/logger.js';
import { parseCsr } from './csr.js';

const SIGNING = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const CA_VALIDITY_DAYS = 3650;
const DAY_MS = 86_400_000;

export interface IssuedCertificate {
  pem: string;
  /** Lowercase hex. */
  serial: string;
  /** sha256 of the DER certificate, lowercase hex: what the gRPC server matches peers by. */
  fingerprint: string;
  notBefore: number;
  notAfter: number;
}

/**
 * The service's own certificate authority: it signs edge client certificates (from CSRs the edges
 * made with keys that never leave them) and the edge API's server certificate. Created on first
 * start under `{dataDir}/pki`; the key file is mode 0600.
 */
export class CertificateAuthority {
  private constructor(
    private readonly cert: x509.X509Certificate,
    private readonly privateKey: CryptoKey,
    private readonly dir: string,
  ) {}

  get certPem(): string {
    return this.cert.toString('pem');
  }

  static async loadOrCreate(dir: string, log: Logger): Promise<CertificateAuthority> {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const certFile = path.join(dir, 'ca.crt');
    const keyFile = path.join(dir, 'ca.key');
    if (fs.existsSync(certFile) && fs.existsSync(keyFile)) {
      const mode = fs.statSync(keyFile).mode & 0o777;
      if (mode & 0o077)
        log.warn({ keyFile, mode: mode.toString(8) }, 'CA key file is readable by others; chmod 600 it');
      const cert = new x509.X509Certificate(fs.readFileSync(certFile, 'utf8'));
      const key = await importPkcs8(fs.readFileSync(keyFile, 'utf8'));
      return new CertificateAuthority(cert, key, dir);
    }
    const keys = (await webcrypto.subtle.generateKey(SIGNING, true, ['sign', 'verify'])) as CryptoKeyPair;
    const now = Date.now();
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: randomSerial(),
      name: `CN=uservm edge CA ${new Date(now).toISOString().slice(0, 10)}, O=uservm`,
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + CA_VALIDITY_DAYS * DAY_MS),
      signingAlgorithm: SIGNING,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    writeSecret(keyFile, await exportPkcs8(keys.privateKey));
    fs.writeFileSync(certFile, cert.toString('pem'));
    log.info({ dir }, 'created the edge certificate authority');
    return new CertificateAuthority(cert, keys.privateKey, dir);
  }

  /** Signs an edge's CSR (validated by parseCsr) as a client certificate bound to its edge id. */
  async issueClientCertificate(
    csrPem: string,
    edge: { id: string; name: string },
    validityDays: number,
  ): Promise<IssuedCertificate> {
    const csr = await parseCsr(csrPem);
    const cert = await this.signLeaf({
      subject: `CN=${edge.name}, O=uservm edge`,
      publicKey: csr.publicKey,
      validityDays,
      usage: x509.ExtendedKeyUsage.clientAuth,
      names: [{ type: 'url', value: `urn:uservm:edge:${edge.id}` }],
    });
    return describe(cert);
  }

  /**
   * The edge API's TLS certificate, kept in the pki folder and re-issued when the names it must
   * cover change or it is within 30 days of expiry.
   */
  async serverCredentials(names: string[], validityDays = 365): Promise<{ certPem: string; keyPem: string }> {
    const certFile = path.join(this.dir, 'server.crt');
    const keyFile = path.join(this.dir, 'server.key');
    const wanted = [...new Set(names)].sort();
    if (fs.existsSync(certFile) && fs.existsSync(keyFile)) {
      const existing = new x509.X509Certificate(fs.readFileSync(certFile, 'utf8'));
      const san = existing.getExtension(x509.SubjectAlternativeNameExtension);
      const have = (san?.names.items ?? []).map((n) => n.value).sort();
      const fresh = existing.notAfter.getTime() - Date.now() > 30 * DAY_MS;
      if (fresh && JSON.stringify(have) === JSON.stringify(wanted))
        return { certPem: existing.toString('pem'), keyPem: fs.readFileSync(keyFile, 'utf8') };
    }
    const keys = (await webcrypto.subtle.generateKey(SIGNING, true, ['sign', 'verify'])) as CryptoKeyPair;
    const cert = await this.signLeaf({
      subject: `CN=${wanted[0] ?? 'uservm'}, O=uservm`,
      publicKey: keys.publicKey,
      validityDays,
      usage: x509.ExtendedKeyUsage.serverAuth,
      names: wanted.map((n) => ({
        type: /^[\d.]+$|:/.test(n) ? ('ip' as const) : ('dns' as const),
        value: n,
      })),
    });
    const keyPem = await exportPkcs8(keys.privateKey);
    writeSecret(keyFile, keyPem);
    fs.writeFileSync(certFile, cert.toString('pem'));
    return { certPem: cert.toString('pem'), keyPem };
  }

  /** A leaf certificate (client or server) signed by this CA. */
  private async signLeaf(leaf: {
    subject: string;
    publicKey: x509.PublicKey | CryptoKey;
    validityDays: number;
    usage: x509.ExtendedKeyUsage;
    names: x509.JsonGeneralName[];
  }): Promise<x509.X509Certificate> {
    const now = Date.now();
    return x509.X509CertificateGenerator.create({
      serialNumber: randomSerial(),
      subject: leaf.subject,
      issuer: this.cert.subject,
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + leaf.validityDays * DAY_MS),
      signingAlgorithm: SIGNING,
      publicKey: leaf.publicKey,
      signingKey: this.privateKey,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
          true,
        ),
        new x509.ExtendedKeyUsageExtension([leaf.usage], false),
        new x509.SubjectAlternativeNameExtension(leaf.names, false),
        await x509.AuthorityKeyIdentifierExtension.create(this.cert, false),
      ],
    });
  }
}

export function fingerprintOfDer(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

function describe(cert: x509.X509Certificate): IssuedCertificate {
  return {
    pem: cert.toString('pem'),
    serial: cert.serialNumber.toLowerCase(),
    fingerprint: fingerprintOfDer(new Uint8Array(cert.rawData)),
    notBefore: cert.notBefore.getTime(),
    notAfter: cert.notAfter.getTime(),
  };
}

/** Positive 127-bit serial (high bit clear so DER needs no sign byte). */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}

async function exportPkcs8(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return `-----BEGIN PRIVATE KEY-----\n${der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trim()}\n-----END PRIVATE KEY-----\n`;
}

async function importPkcs8(pem: string): Promise<CryptoKey> {
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return webcrypto.subtle.importKey('pkcs8', der, SIGNING, false, ['sign']);
}

function writeSecret(file: string, content: string): void {
  fs.writeFileSync(file, content, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}
