import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Secrets handed out once (API tokens, later edge bootstrap tokens) look like
 * `{kind}_{prefix}_{secret}`: the prefix finds the row, only sha256(secret) is stored. The secret is
 * 256 random bits, so a fast hash is enough (no password-style stretching needed), and comparison
 * is constant-time.
 */
export interface IssuedSecret {
  /** The whole token, shown to the user once. */
  token: string;
  prefix: string;
  secretHash: string;
}

const PREFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const PREFIX_LENGTH = 10;

export function issueSecret(kind: string): IssuedSecret {
  const bytes = randomBytes(PREFIX_LENGTH);
  const prefix = Array.from(bytes, (b) => PREFIX_ALPHABET[b % PREFIX_ALPHABET.length]).join('');
  const secret = randomBytes(32).toString('base64url');
  return { token: `${kind}_${prefix}_${secret}`, prefix, secretHash: hashSecret(secret) };
}

export type ParsedToken = { ok: true; prefix: string; secret: string } | { ok: false; why: string };

export function parseToken(kind: string, token: string): ParsedToken {
  const match = new RegExp(`^${kind}_([a-z0-9]{${PREFIX_LENGTH}})_([A-Za-z0-9_-]{43})$`).exec(token);
  if (!match)
    return { ok: false, why: `not a ${kind}_ token (expected ${kind}_<10 characters>_<43 characters>)` };
  return { ok: true, prefix: match[1]!, secret: match[2]! };
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
