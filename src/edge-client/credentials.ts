import { webcrypto } from 'node:crypto';
import { x509 } from '../edges/pki/x509.js';
import { generateWireGuardKeyPair, type WireGuardKeyPair } from '../edges/wireguard/keys.js';

export interface EdgeKeyMaterial {
  wireguard: WireGuardKeyPair;
  /** PKCS#8 PEM; stays on the edge. */
  tlsKeyPem: string;
  /** Sent to the service at enrollment and renewal. */
  csrPem: string;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** What an edge generates for itself before enrolling: its private keys never leave it. */
export async function createEdgeKeyMaterial(edgeName: string): Promise<EdgeKeyMaterial> {
  const { tlsKeyPem, csrPem } = await createCsr(edgeName);
  return { wireguard: generateWireGuardKeyPair(), tlsKeyPem, csrPem };
}

/** A fresh TLS key and CSR (for enrollment, or renewal with a new key). */
export async function createCsr(edgeName: string): Promise<{ tlsKeyPem: string; csrPem: string }> {
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: `CN=${edgeName}`,
    keys,
    signingAlgorithm: ALGORITHM,
  });
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const tlsKeyPem = `-----BEGIN PRIVATE KEY-----\n${der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trim()}\n-----END PRIVATE KEY-----\n`;
  return { tlsKeyPem, csrPem: csr.toString('pem') };
}
