import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Decrypter, generateIdentity, identityToRecipient } from 'age-encryption';
import { AgeEncryptor, looksAgeEncrypted } from './age-encryptor.js';

async function owner() {
  const identity = await generateIdentity();
  return { identity, recipient: await identityToRecipient(identity) };
}

async function open(ciphertext: Uint8Array, identity: string): Promise<Uint8Array> {
  const d = new Decrypter();
  d.addIdentity(identity);
  return d.decrypt(ciphertext);
}

describe('AgeEncryptor (native age v1 writer)', () => {
  // Sizes around the 64 KiB STREAM chunk boundary, and empty (one empty final chunk).
  for (const size of [0, 1, 65535, 65536, 65537, 131072, 218_000]) {
    it(`writes ${size} bytes that the reference age implementation decrypts`, async () => {
      const { identity, recipient } = await owner();
      const plaintext = randomBytes(size);
      const ciphertext = await new AgeEncryptor([recipient]).encrypt(plaintext);
      assert.ok(looksAgeEncrypted(ciphertext));
      // Header, 16-byte nonce, then the plaintext with a 16-byte tag per 64 KiB chunk.
      const chunks = Math.max(1, Math.ceil(size / 65536));
      const headerLength = Buffer.from(ciphertext).indexOf('\n---') + 1;
      assert.equal(
        ciphertext.length,
        Buffer.from(ciphertext).indexOf('\n', headerLength) + 1 + 16 + size + 16 * chunks,
      );
      assert.ok(Buffer.from(await open(ciphertext, identity)).equals(plaintext));
    });
  }

  it('encrypts to every recipient, and only to them', async () => {
    const a = await owner();
    const b = await owner();
    const stranger = await owner();
    const ciphertext = await new AgeEncryptor([a.recipient, b.recipient]).encrypt(Buffer.from('frame'));
    assert.equal(Buffer.from(await open(ciphertext, a.identity)).toString(), 'frame');
    assert.equal(Buffer.from(await open(ciphertext, b.identity)).toString(), 'frame');
    await assert.rejects(open(ciphertext, stranger.identity));
  });

  it('uses a fresh file key each time and its output cannot be altered unnoticed', async () => {
    const { identity, recipient } = await owner();
    const encryptor = new AgeEncryptor([recipient]);
    const one = await encryptor.encrypt(Buffer.from('same'));
    const two = await encryptor.encrypt(Buffer.from('same'));
    assert.equal(Buffer.from(one).equals(Buffer.from(two)), false);
    const tampered = Buffer.from(one);
    tampered[tampered.length - 20]! ^= 1;
    await assert.rejects(open(tampered, identity));
  });

  it('refuses recipients that are not age X25519 public keys, and encrypting to nobody', async () => {
    assert.throws(() => new AgeEncryptor(['age1notakey']), /not valid bech32/);
    const { identity } = await owner();
    assert.throws(() => new AgeEncryptor([identity]), /not an X25519 public key|not valid bech32/);
    await assert.rejects(new AgeEncryptor([]).encrypt(Buffer.from('x')), /recipients/);
  });
});
