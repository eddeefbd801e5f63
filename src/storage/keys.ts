import { createHash } from 'node:crypto';
import { AppError } from '../errors/app-error.js';

const BUCKET_RE = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const MAX_KEY_BYTES = 1024;

/**
 * Object keys are relative, '/'-separated paths. Anything that could escape a bucket on the
 * filesystem store or be read differently by two S3 servers is refused: '..' and '.' segments,
 * absolute paths, empty segments, backslashes, NUL and other control characters.
 */
export function assertValidKey(key: string): void {
  const fail = (why: string): never => {
    throw new AppError(
      'invalid_blob_key',
      `object key ${JSON.stringify(key.slice(0, 80))} is not allowed: ${why}`,
      { key: key.slice(0, 200) },
    );
  };
  if (typeof key !== 'string' || key.length === 0) fail('empty');
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) fail(`longer than ${MAX_KEY_BYTES} bytes`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(key)) fail('contains NUL or a control character');
  if (key.includes('\\')) fail('contains a backslash');
  if (key.startsWith('/')) fail('absolute path');
  const segments = key.split('/');
  if (segments.some((s) => s === '..')) fail('contains a ".." segment');
  if (segments.some((s) => s === '.')) fail('contains a "." segment');
  if (segments.some((s) => s === '')) fail('empty path segment');
}

/** Prefixes for listing: same rules as keys, but may be empty or end with '/'. */
export function assertValidPrefix(prefix: string): void {
  if (prefix === '') return;
  assertValidKey(prefix.endsWith('/') ? `${prefix}x` : prefix);
}

export function assertValidBucket(bucket: string): void {
  if (!BUCKET_RE.test(bucket)) {
    throw new AppError(
      'invalid_blob_key',
      `bucket name ${JSON.stringify(bucket)} is not allowed: 3-63 lowercase letters, digits and hyphens`,
      { bucket },
    );
  }
}

/**
 * `camera-{sanitized camera id}` (DESIGN.md). Sanitising can make two ids equal ("Cam_1",
 * "cam-1") or make one too long, so whenever the id is not already a clean bucket fragment a short
 * hash of the original id is appended: distinct cameras never share a bucket.
 */
export function cameraBucket(cameraId: string, prefix = ''): string {
  const lead = `${prefix}camera-`;
  const clean = cameraId
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  const unchanged = clean === cameraId && clean.length > 0 && lead.length + clean.length <= 63;
  if (unchanged) return `${lead}${clean}`;
  const hash = createHash('sha256').update(cameraId).digest('hex').slice(0, 10);
  const room = 63 - lead.length - hash.length - 1;
  const head = clean.slice(0, Math.max(0, room)).replace(/-$/, '');
  return head ? `${lead}${head}-${hash}` : `${lead}${hash}`;
}
