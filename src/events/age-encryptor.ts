import { Encrypter } from 'age-encryption';
import { AppError } from '../errors/app-error.js';

/**
 * Encrypts to the owner's age recipients (public keys only). Output is the standard age format
 * (`age -d -i owner.key` opens it). The service never has an identity, so it cannot read back what
 * it archived.
 */
export class AgeEncryptor {
  constructor(private readonly recipients: readonly string[]) {}

  get configured(): boolean {
    return this.recipients.length > 0;
  }

  async encrypt(plaintext: Uint8Array): Promise<Uint8Array> {
    if (!this.configured)
      throw new AppError(
        'unavailable',
        'no owner age recipients are configured (archive.recipients); events cannot be archived',
      );
    const encrypter = new Encrypter();
    for (const r of this.recipients) encrypter.addRecipient(r);
    return encrypter.encrypt(plaintext);
  }
}

/** The first line of every age file (binary format): what "already encrypted" is checked against. */
export const AGE_HEADER = 'age-encryption.org/v1\n';

export function looksAgeEncrypted(head: Uint8Array): boolean {
  return Buffer.from(head.subarray(0, AGE_HEADER.length)).toString('latin1') === AGE_HEADER;
}
