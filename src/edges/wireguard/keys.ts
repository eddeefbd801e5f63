import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** A WireGuard key pair as `wg genkey | wg pubkey` print them: raw X25519 keys in base64. */
export interface WireGuardKeyPair {
  privateKey: string;
  publicKey: string;
}

export function generateWireGuardKeyPair(): WireGuardKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  const priv = privateKey.export({ format: 'jwk' }).d!;
  const pub = publicKey.export({ format: 'jwk' }).x!;
  return {
    privateKey: Buffer.from(priv, 'base64url').toString('base64'),
    publicKey: Buffer.from(pub, 'base64url').toString('base64'),
  };
}

export function publicKeyOf(privateKeyBase64: string): string {
  const d = Buffer.from(privateKeyBase64, 'base64').toString('base64url');
  const key = createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d, x: '' }, format: 'jwk' });
  return Buffer.from(createPublicKey(key).export({ format: 'jwk' }).x!, 'base64url').toString('base64');
}

/** The service's interface key, created once (mode 0600). Edges' private keys never come here. */
export function loadOrCreateServerKey(dir: string): WireGuardKeyPair {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, 'server.key');
  if (fs.existsSync(file)) {
    const privateKey = fs.readFileSync(file, 'utf8').trim();
    return { privateKey, publicKey: publicKeyOf(privateKey) };
  }
  const pair = generateWireGuardKeyPair();
  fs.writeFileSync(file, `${pair.privateKey}\n`, { mode: 0o600 });
  return pair;
}
