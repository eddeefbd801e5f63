/**
 * Decryption on the owner's machine: the age identity is pasted (or loaded from a file) into this
 * page and kept in memory only; the server sends ciphertext and never sees the identity or a
 * decrypted byte.
 */
import { Decrypter } from 'age-encryption';

let identity: string | null = null;

export const ownerKey = {
  has: () => identity !== null,
  set(value: string) {
    const line = value
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l.startsWith('AGE-SECRET-KEY-'));
    if (!line) throw new Error('not an age identity: paste the AGE-SECRET-KEY-... line of owner.key');
    identity = line;
  },
  forget: () => (identity = null),
};

export async function decrypt(ciphertext: Uint8Array): Promise<Uint8Array> {
  if (!identity) throw new Error('no owner key');
  const d = new Decrypter();
  d.addIdentity(identity);
  return d.decrypt(ciphertext);
}
