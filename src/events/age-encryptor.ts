import {
  createCipheriv,
  createHmac,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { bech32 } from '@scure/base';
import { AppError } from '../errors/app-error.js';

/** The first line of every age file (binary format): what "already encrypted" is checked against. */
export const AGE_HEADER = 'age-encryption.org/v1\n';

/** age's STREAM chunk size: 64 KiB of plaintext per ChaCha20-Poly1305 chunk. */
const CHUNK = 64 * 1024;

/**
 * Encrypts to the owner's age X25519 recipients (public keys only), in the standard age v1 format
 * (https://age-encryption.org/v1; `age -d -i owner.key` opens it). The service never has an
 * identity, so it cannot read back what it archived.
 *
 * Why not the `age-encryption` package here: it is pure JavaScript (@noble ciphers and WebCrypto
 * key imports) and took ~5 ms of CPU per 200 KB frame, the largest cost of event ingest after the
 * file system. This writer uses Node's native X25519, HKDF, HMAC and ChaCha20-Poly1305 (~10x less).
 * Tests decrypt its output with the package's Decrypter, so the two cannot drift apart.
 */
export class AgeEncryptor {
  private readonly recipientKeys: { raw: Buffer; key: KeyObject }[];

  constructor(recipients: readonly string[]) {
    this.recipientKeys = recipients.map((r) => {
      const raw = parseRecipient(r);
      return {
        raw,
        key: createPublicKey({
          key: { kty: 'OKP', crv: 'X25519', x: raw.toString('base64url') },
          format: 'jwk',
        }),
      };
    });
  }

  get configured(): boolean {
    return this.recipientKeys.length > 0;
  }

  async encrypt(plaintext: Uint8Array): Promise<Uint8Array> {
    return this.encryptSync(plaintext);
  }

  encryptSync(plaintext: Uint8Array): Buffer {
    if (!this.configured)
      throw new AppError(
        'unavailable',
        'no owner age recipients are configured (archive.recipients); events cannot be archived',
      );
    const fileKey = randomBytes(16);
    let header = AGE_HEADER;
    for (const recipient of this.recipientKeys) header += x25519Stanza(fileKey, recipient);
    header += '---';
    const macKey = hkdf(fileKey, Buffer.alloc(0), 'header');
    const mac = createHmac('sha256', macKey).update(header, 'latin1').digest();
    header += ` ${b64(mac)}\n`;

    const nonce = randomBytes(16);
    const payloadKey = hkdf(fileKey, nonce, 'payload');
    const chunks = Math.max(1, Math.ceil(plaintext.length / CHUNK));
    const headerBytes = Buffer.from(header, 'latin1');
    const out = Buffer.allocUnsafe(headerBytes.length + 16 + plaintext.length + chunks * 16);
    let at = headerBytes.copy(out, 0);
    at += nonce.copy(out, at);
    const chunkNonce = Buffer.alloc(12);
    for (let i = 0; i < chunks; i++) {
      // STREAM nonce: 11-byte big-endian chunk counter, then 1 on the last chunk.
      chunkNonce.writeUIntBE(i, 5, 6);
      chunkNonce[11] = i === chunks - 1 ? 1 : 0;
      const cipher = createCipheriv('chacha20-poly1305', payloadKey, chunkNonce, { authTagLength: 16 });
      at += cipher.update(plaintext.subarray(i * CHUNK, (i + 1) * CHUNK)).copy(out, at);
      at += cipher.final().copy(out, at);
      at += cipher.getAuthTag().copy(out, at);
    }
    return at === out.length ? out : out.subarray(0, at);
  }
}

/** `-> X25519 <ephemeral share>` and the file key wrapped to one recipient. */
function x25519Stanza(fileKey: Buffer, recipient: { raw: Buffer; key: KeyObject }): string {
  const ephemeral = generateKeyPairSync('x25519');
  const share = Buffer.from(ephemeral.publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const shared = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: recipient.key });
  if (shared.every((b) => b === 0)) throw new Error('X25519 produced an all-zero shared secret');
  const wrapKey = hkdf(shared, Buffer.concat([share, recipient.raw]), 'age-encryption.org/v1/X25519');
  const cipher = createCipheriv('chacha20-poly1305', wrapKey, Buffer.alloc(12), { authTagLength: 16 });
  const body = Buffer.concat([cipher.update(fileKey), cipher.final(), cipher.getAuthTag()]);
  // A 32-byte body is 43 base64 characters: one line, shorter than the 64-column limit.
  return `-> X25519 ${b64(share)}\n${b64(body)}\n`;
}

function parseRecipient(recipient: string): Buffer {
  let decoded: { prefix: string; bytes: Uint8Array };
  try {
    decoded = bech32.decodeToBytes(recipient);
  } catch (err) {
    throw new AppError(
      'validation_failed',
      `age recipient ${recipient} is not valid bech32`,
      {},
      { cause: err },
    );
  }
  if (decoded.prefix !== 'age' || decoded.bytes.length !== 32)
    throw new AppError(
      'validation_failed',
      `age recipient ${recipient} is not an X25519 public key (age1...)`,
    );
  return Buffer.from(decoded.bytes);
}

function hkdf(ikm: Buffer, salt: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, salt, info, 32));
}

/** age uses standard base64 without padding. */
function b64(bytes: Buffer): string {
  return bytes.toString('base64').replace(/=+$/, '');
}

export function looksAgeEncrypted(head: Uint8Array): boolean {
  return Buffer.from(head.subarray(0, AGE_HEADER.length)).toString('latin1') === AGE_HEADER;
}
