import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { AppError } from '../errors/app-error.js';
import type { ByteRange, PutOptions } from './blob-store.js';

/**
 * Counts and hashes content as it arrives; throws integrity_mismatch as soon as more than
 * `maxBytes` have come (a sender that declared one size and sends more).
 */
export class ContentHasher {
  private readonly hash: Hash = createHash('sha256');
  bytes = 0;

  constructor(private readonly maxBytes?: number) {}

  update(chunk: Uint8Array): void {
    this.bytes += chunk.length;
    if (this.maxBytes !== undefined && this.bytes > this.maxBytes)
      throw new AppError('integrity_mismatch', `received more than the declared ${this.maxBytes} bytes`);
    this.hash.update(chunk);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

/** Pass-through stream that counts and hashes what flows through it. */
export class HashingStream extends Transform {
  private readonly hasher: ContentHasher;

  constructor(maxBytes?: number) {
    super();
    this.hasher = new ContentHasher(maxBytes);
  }

  get bytes(): number {
    return this.hasher.bytes;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.hasher.update(chunk);
    } catch (err) {
      done(err as Error);
      return;
    }
    done(null, chunk);
  }

  digest(): string {
    return this.hasher.digest();
  }
}

/** Throws integrity_mismatch when what arrived differs from what was declared. */
export function checkIntegrity(options: PutOptions | undefined, size: number, sha256: string): void {
  if (options?.size !== undefined && options.size !== size) {
    throw new AppError('integrity_mismatch', `declared size ${options.size} bytes but received ${size}`, {
      declaredSize: options.size,
      receivedSize: size,
    });
  }
  if (options?.sha256 !== undefined && options.sha256.toLowerCase() !== sha256) {
    throw new AppError('integrity_mismatch', 'sha256 of the content does not match the declared sha256', {
      declaredSha256: options.sha256,
      receivedSha256: sha256,
    });
  }
}

export function assertValidRange(range: ByteRange, size: number): void {
  const ok =
    Number.isInteger(range.start) &&
    Number.isInteger(range.end) &&
    range.start >= 0 &&
    range.start <= range.end &&
    range.end < size;
  if (!ok) {
    throw new AppError(
      'range_not_satisfiable',
      `range ${range.start}-${range.end} is outside the object (${size} bytes)`,
      { size },
    );
  }
}
