import type { Readable } from 'node:stream';

export interface PutOptions {
  /** When given, the write fails (and nothing is kept) unless exactly this many bytes arrive. */
  size?: number;
  /** Lowercase hex; when given, the write fails (and nothing is kept) unless the content matches. */
  sha256?: string;
  contentType?: string;
}

export interface BlobInfo {
  bucket: string;
  key: string;
  size: number;
  sha256: string;
}

export interface BlobStat {
  key: string;
  size: number;
  lastModified: Date;
  /** Known when the object was written by this service. */
  sha256?: string;
  contentType?: string;
}

/** Inclusive byte range, as in HTTP `Range: bytes=start-end`. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface BlobRead {
  stream: Readable;
  /** Size of the whole object. */
  size: number;
  range?: ByteRange;
  stat: BlobStat;
}

/**
 * Where ciphertext archives, datasets and models live. Two implementations share one contract test
 * suite (blob-store.contract.ts): the local filesystem (embedded mode) and S3.
 * Writes are all-or-nothing: a reader never sees a partial object, and a failed put leaves nothing.
 */
export interface BlobStore {
  readonly kind: 'fs' | 's3';
  /** Creates the bucket if it does not exist (idempotent, cached). */
  ensureBucket(bucket: string): Promise<void>;
  put(bucket: string, key: string, body: Readable | Buffer, options?: PutOptions): Promise<BlobInfo>;
  /**
   * Stores a local file's content and takes the file: once this resolves the file is gone (the
   * filesystem store moves it into place on the same file system instead of copying it). On any
   * failure the file is left where it was, so the caller can try again.
   */
  putFile(bucket: string, key: string, file: string, options?: PutOptions): Promise<BlobInfo>;
  /** Throws AppError not_found when absent, range_not_satisfiable for a bad range. */
  get(bucket: string, key: string, range?: ByteRange): Promise<BlobRead>;
  /** null when absent. */
  stat(bucket: string, key: string): Promise<BlobStat | null>;
  list(bucket: string, prefix?: string): AsyncIterable<BlobStat>;
  /** Deleting an absent object is not an error. */
  delete(bucket: string, key: string): Promise<void>;
  /** Resolves when the store answers; used by /readyz. */
  ping(): Promise<void>;
}
