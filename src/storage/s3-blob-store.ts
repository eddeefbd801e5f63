import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { Readable } from 'node:stream';
import { Client, type BucketItem } from 'minio';
import { AppError } from '../errors/app-error.js';
import type { S3Config } from '../config/schema.js';
import type { BlobInfo, BlobRead, BlobStat, BlobStore, ByteRange, PutOptions } from './blob-store.js';
import { assertValidRange, checkIntegrity, HashingStream } from './hashing.js';
import { assertValidBucket, assertValidKey, assertValidPrefix } from './keys.js';

/** Objects larger than this go up as multipart in parts of this size; it bounds memory per upload. */
const PART_SIZE = 16 * 1024 * 1024;
const PING_TIMEOUT_MS = 3_000;

/**
 * Blobs in any S3 server (MinIO, Swift s3api, AWS) through the `minio` client. Each object carries
 * its sha256 as user metadata (x-amz-meta-sha256) so stat can report it without reading the data.
 * The upload is hashed as it streams; if what arrived does not match the declared size or sha256 the
 * object is removed again and the put fails. (Callers archive content they already verified, so
 * this guards against corruption in flight, and plain S3 has no portable pre-commit sha256 check.)
 */
export class S3BlobStore implements BlobStore {
  readonly kind = 's3' as const;
  private readonly client: Client;
  private readonly knownBuckets = new Set<string>();

  constructor(private readonly config: S3Config) {
    this.client = new Client({
      endPoint: config.endPoint,
      ...(config.port !== undefined ? { port: config.port } : {}),
      useSSL: config.useSsl,
      accessKey: config.accessKey,
      secretKey: config.secretKey,
      region: config.region,
      pathStyle: config.pathStyle,
      partSize: PART_SIZE,
    });
  }

  async ensureBucket(bucket: string): Promise<void> {
    assertValidBucket(bucket);
    if (this.knownBuckets.has(bucket)) return;
    if (!(await this.client.bucketExists(bucket))) {
      try {
        await this.client.makeBucket(bucket, this.config.region);
      } catch (err) {
        // Another process may have created it between the check and the create.
        const code = (err as { code?: string }).code;
        if (code !== 'BucketAlreadyOwnedByYou' && code !== 'BucketAlreadyExists') throw err;
      }
    }
    this.knownBuckets.add(bucket);
  }

  async putFile(bucket: string, key: string, file: string, options?: PutOptions): Promise<BlobInfo> {
    const info = await this.put(bucket, key, fs.createReadStream(file), options);
    await fsp.rm(file, { force: true });
    return info;
  }

  async put(bucket: string, key: string, body: Readable | Buffer, options?: PutOptions): Promise<BlobInfo> {
    assertValidKey(key);
    await this.ensureBucket(bucket);
    const hasher = new HashingStream(options?.size);
    const source = Buffer.isBuffer(body) ? Readable.from([body]) : body;
    // Errors of the source must reach the upload, which only listens to the hasher.
    source.on('error', (err) => hasher.destroy(err));
    source.pipe(hasher);
    const meta: Record<string, string> = {
      'Content-Type': options?.contentType ?? 'application/octet-stream',
    };
    if (options?.sha256) meta['x-amz-meta-sha256'] = options.sha256.toLowerCase();
    try {
      // A body that fits in one part goes up as a single PUT; larger ones as a multipart upload
      // holding one part in memory at a time.
      const parts = chunked(hasher, PART_SIZE);
      const first = await parts.next();
      const firstPart = first.done ? Buffer.alloc(0) : first.value;
      const second = first.done ? first : await parts.next();
      if (second.done) await this.client.putObject(bucket, key, firstPart, firstPart.length, meta);
      else await this.uploadMultipart(bucket, key, meta, [firstPart, second.value], parts);
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw new AppError(
        'unavailable',
        `object store write failed: ${(err as Error).message}`,
        { bucket, key },
        { cause: err },
      );
    }
    const sha256 = hasher.digest();
    try {
      checkIntegrity(options, hasher.bytes, sha256);
    } catch (err) {
      await this.client.removeObject(bucket, key).catch(() => undefined);
      throw err;
    }
    return { bucket, key, size: hasher.bytes, sha256 };
  }

  /**
   * Our own multipart loop rather than the client's: the client first lists incomplete uploads to
   * resume them (not every server implements that), and leaves parts behind on failure; this one
   * aborts the upload on any error, so a failed put leaves nothing.
   */
  private async uploadMultipart(
    bucket: string,
    key: string,
    headers: Record<string, string>,
    firstParts: Buffer[],
    rest: AsyncIterator<Buffer>,
  ): Promise<void> {
    const uploadId = await this.client.initiateNewMultipartUpload(bucket, key, headers);
    const etags: { part: number; etag: string }[] = [];
    try {
      const send = async (payload: Buffer) => {
        const part = etags.length + 1;
        const res = await this.client.uploadPart(
          { bucketName: bucket, objectName: key, uploadID: uploadId, partNumber: part, headers: {} },
          payload,
        );
        etags.push({ part, etag: res.etag });
      };
      for (const payload of firstParts) await send(payload);
      for (let next = await rest.next(); !next.done; next = await rest.next()) await send(next.value);
      await this.client.completeMultipartUpload(bucket, key, uploadId, etags);
    } catch (err) {
      await this.client.abortMultipartUpload(bucket, key, uploadId).catch(() => undefined);
      throw err;
    }
  }

  async get(bucket: string, key: string, range?: ByteRange): Promise<BlobRead> {
    const stat = await this.stat(bucket, key);
    if (!stat) throw new AppError('not_found', `object ${bucket}/${key} does not exist`);
    if (range) assertValidRange(range, stat.size);
    const stream = range
      ? await this.client.getPartialObject(bucket, key, range.start, range.end - range.start + 1)
      : await this.client.getObject(bucket, key);
    return { stream, size: stat.size, stat, ...(range ? { range } : {}) };
  }

  async stat(bucket: string, key: string): Promise<BlobStat | null> {
    assertValidBucket(bucket);
    assertValidKey(key);
    try {
      const st = await this.client.statObject(bucket, key);
      const meta = st.metaData as Record<string, string | undefined>;
      const sha256 = meta['sha256'] ?? meta['x-amz-meta-sha256'];
      const contentType = meta['content-type'];
      return {
        key,
        size: st.size,
        lastModified: st.lastModified,
        ...(sha256 ? { sha256 } : {}),
        ...(contentType ? { contentType } : {}),
      };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async *list(bucket: string, prefix = ''): AsyncIterable<BlobStat> {
    assertValidBucket(bucket);
    assertValidPrefix(prefix);
    if (!(await this.client.bucketExists(bucket))) return;
    const stream = this.client.listObjectsV2(bucket, prefix, true);
    for await (const item of stream as AsyncIterable<BucketItem>) {
      if (!item.name) continue;
      yield { key: item.name, size: item.size, lastModified: item.lastModified ?? new Date(0) };
    }
  }

  async delete(bucket: string, key: string): Promise<void> {
    assertValidBucket(bucket);
    assertValidKey(key);
    try {
      await this.client.removeObject(bucket, key);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  async ping(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.client.listBuckets(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Re-cuts a byte stream into buffers of exactly `size` bytes (the last may be shorter). */
async function* chunked(stream: Readable, size: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const chunk of stream) {
    let data = chunk as Buffer;
    while (pendingBytes + data.length >= size) {
      const take = size - pendingBytes;
      pending.push(data.subarray(0, take));
      yield Buffer.concat(pending);
      pending = [];
      pendingBytes = 0;
      data = data.subarray(take);
    }
    if (data.length > 0) {
      pending.push(data);
      pendingBytes += data.length;
    }
  }
  if (pendingBytes > 0) yield Buffer.concat(pending);
}

function isNotFound(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'NotFound' || code === 'NoSuchKey' || code === 'NoSuchBucket';
}
