import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { AppError } from '../errors/app-error.js';
import type { BlobInfo, BlobRead, BlobStat, BlobStore, ByteRange, PutOptions } from './blob-store.js';
import { assertValidRange, checkIntegrity } from './hashing.js';
import { fsyncDir, hashAndSync, isMissing, metaFile, walk, writeDurably, type MetaFile } from './fs-files.js';
import { assertValidBucket, assertValidKey, assertValidPrefix } from './keys.js';

/**
 * Blobs as plain files: `{root}/{bucket}/objects/{key}` with a JSON sidecar
 * `{root}/{bucket}/meta/{key}` (sha256, content type). Writes go to `{root}/.tmp`, are fsynced and
 * renamed into place, so a crash never leaves a partial object under its key. Bucket names cannot
 * start with '.', so `.tmp` never collides with a bucket.
 */
export class FsBlobStore implements BlobStore {
  readonly kind = 'fs' as const;
  private readonly tmpDir: string;
  private readonly knownDirs = new Set<string>();

  constructor(private readonly root: string) {
    this.root = path.resolve(root);
    this.tmpDir = path.join(this.root, '.tmp');
  }

  async ensureBucket(bucket: string): Promise<void> {
    assertValidBucket(bucket);
    await this.ensureDir(path.join(this.root, bucket, 'objects'));
    await this.ensureDir(path.join(this.root, bucket, 'meta'));
  }

  async put(bucket: string, key: string, body: Readable | Buffer, options?: PutOptions): Promise<BlobInfo> {
    // A consumed stream cannot be written again; its caller retries.
    return this.retryingForgottenFolders(
      () => this.putOnce(bucket, key, body, options),
      () => Buffer.isBuffer(body),
    );
  }

  async putFile(bucket: string, key: string, file: string, options?: PutOptions): Promise<BlobInfo> {
    return this.retryingForgottenFolders(
      () => this.moveOnce(bucket, key, file, options),
      () => fs.existsSync(file),
    );
  }

  /**
   * Runs a write; when it failed because a folder remembered as existing was removed behind our
   * back (by an operator, a restore), forgets them all and runs it once more if `canRetry`.
   */
  private async retryingForgottenFolders(
    write: () => Promise<BlobInfo>,
    canRetry: () => boolean,
  ): Promise<BlobInfo> {
    try {
      return await write();
    } catch (err) {
      if (!isMissing(err) || this.knownDirs.size === 0) throw err;
      this.knownDirs.clear();
      if (canRetry()) return write();
      throw err;
    }
  }

  /**
   * Verifies the file against what was declared, makes sure it is on disk, writes the checksum
   * sidecar and renames the file into place: no copy of the content. Across file systems (EXDEV)
   * it is copied like any put, then removed.
   */
  private async moveOnce(bucket: string, key: string, file: string, options?: PutOptions): Promise<BlobInfo> {
    const { target, metaTarget } = await this.targets(bucket, key);
    const { bytes, sha256 } = await hashAndSync(file);
    checkIntegrity(options, bytes, sha256);
    const tmpMeta = path.join(this.tmpDir, `${randomUUID()}.meta`);
    try {
      await writeDurably(tmpMeta, metaFile(sha256, bytes, options?.contentType));
      await fsp.rename(tmpMeta, metaTarget);
    } catch (err) {
      await fsp.rm(tmpMeta, { force: true });
      throw err;
    }
    try {
      await fsp.rename(file, target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
      const info = await this.putOnce(bucket, key, fs.createReadStream(file), options);
      await fsp.rm(file, { force: true });
      return info;
    }
    await fsyncDir(path.dirname(target));
    return { bucket, key, size: bytes, sha256 };
  }

  private async putOnce(
    bucket: string,
    key: string,
    body: Readable | Buffer,
    options?: PutOptions,
  ): Promise<BlobInfo> {
    const { target, metaTarget } = await this.targets(bucket, key);
    const tmpData = path.join(this.tmpDir, `${randomUUID()}.data`);
    const tmpMeta = path.join(this.tmpDir, `${randomUUID()}.meta`);
    try {
      const { bytes, sha256 } = await writeDurably(tmpData, body, options?.size);
      checkIntegrity(options, bytes, sha256);
      await writeDurably(tmpMeta, metaFile(sha256, bytes, options?.contentType));
      // Meta first: a crash between the renames leaves an unreferenced sidecar, never an object
      // without its checksum.
      await fsp.rename(tmpMeta, metaTarget);
      await fsp.rename(tmpData, target);
      await fsyncDir(path.dirname(target));
      return { bucket, key, size: bytes, sha256 };
    } catch (err) {
      await Promise.all([fsp.rm(tmpData, { force: true }), fsp.rm(tmpMeta, { force: true })]);
      const code = (err as NodeJS.ErrnoException).code;
      // A folder we created earlier was removed behind our back: forget what we know, retry once.
      if (code === 'ENOENT' && this.knownDirs.size > 0 && !(options as { retried?: boolean })?.retried) {
        this.knownDirs.clear();
        if (Buffer.isBuffer(body))
          return this.put(bucket, key, body, { ...options, retried: true } as PutOptions);
      }
      if (code === 'EISDIR' || code === 'ENOTDIR') {
        throw new AppError(
          'conflict',
          `object key ${key} conflicts with an existing key that uses it as a folder`,
          { key },
          { cause: err },
        );
      }
      throw err;
    }
  }

  async get(bucket: string, key: string, range?: ByteRange): Promise<BlobRead> {
    const stat = await this.stat(bucket, key);
    if (!stat) throw new AppError('not_found', `object ${bucket}/${key} does not exist`);
    if (range) assertValidRange(range, stat.size);
    // 256 KiB reads: a quarter of the syscalls of the 64 KiB default, and model downloads send
    // pieces of this size without copying them together.
    const stream = fs.createReadStream(this.objectPath(bucket, key), {
      highWaterMark: 256 * 1024,
      ...(range ? { start: range.start, end: range.end } : {}),
    });
    return { stream, size: stat.size, stat, ...(range ? { range } : {}) };
  }

  async stat(bucket: string, key: string): Promise<BlobStat | null> {
    const file = this.objectPath(bucket, key);
    let st: fs.Stats;
    try {
      st = await fsp.stat(file);
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
    if (!st.isFile()) return null;
    const meta = await this.readMeta(bucket, key);
    return {
      key,
      size: st.size,
      lastModified: st.mtime,
      ...(meta && meta.size === st.size ? { sha256: meta.sha256 } : {}),
      ...(meta?.contentType ? { contentType: meta.contentType } : {}),
    };
  }

  async *list(bucket: string, prefix = ''): AsyncIterable<BlobStat> {
    assertValidBucket(bucket);
    assertValidPrefix(prefix);
    const objectsRoot = path.join(this.root, bucket, 'objects');
    // Start the walk at the deepest folder the prefix names, then filter by the full prefix.
    const dirPart = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    for await (const key of walk(objectsRoot, dirPart)) {
      if (!key.startsWith(prefix)) continue;
      const st = await this.stat(bucket, key);
      if (st) yield st;
    }
  }

  async delete(bucket: string, key: string): Promise<void> {
    const file = this.objectPath(bucket, key);
    const meta = this.metaPath(bucket, key);
    await fsp.rm(file, { force: true });
    await fsp.rm(meta, { force: true });
    // Folders left empty go too (an event's folder once its last object is deleted), so that
    // retention does not leave a trail of empty folders behind.
    await this.removeEmptyParents(path.dirname(file), path.join(this.root, bucket, 'objects'));
    await this.removeEmptyParents(path.dirname(meta), path.join(this.root, bucket, 'meta'));
  }

  /** Where a key's object and checksum sidecar go, with their folders (and the temp folder) made. */
  private async targets(bucket: string, key: string): Promise<{ target: string; metaTarget: string }> {
    const target = this.objectPath(bucket, key);
    const metaTarget = this.metaPath(bucket, key);
    await this.ensureDir(this.tmpDir);
    await this.ensureDir(path.dirname(target));
    await this.ensureDir(path.dirname(metaTarget));
    return { target, metaTarget };
  }

  /** Removes `dir` and its parents up to (not including) `top` while they are empty. */
  private async removeEmptyParents(dir: string, top: string): Promise<void> {
    for (let d = dir; d.startsWith(top + path.sep); d = path.dirname(d)) {
      try {
        await fsp.rmdir(d);
      } catch {
        return; // not empty (or already gone): stop climbing
      }
      this.knownDirs.delete(d);
    }
  }

  /**
   * mkdir -p, remembered: an event's archive creates the same few folders again and again, and a
   * mkdir is a round trip through libuv's thread pool. Bounded so that it cannot grow for ever.
   */
  private async ensureDir(dir: string): Promise<void> {
    if (this.knownDirs.has(dir)) return;
    await fsp.mkdir(dir, { recursive: true });
    if (this.knownDirs.size >= 10_000) this.knownDirs.clear();
    this.knownDirs.add(dir);
  }

  async ping(): Promise<void> {
    await fsp.mkdir(this.root, { recursive: true });
    await fsp.access(this.root, fs.constants.R_OK | fs.constants.W_OK);
  }

  private objectPath(bucket: string, key: string): string {
    return this.safeJoin(path.join(this.root, bucket, 'objects'), bucket, key);
  }

  private metaPath(bucket: string, key: string): string {
    return this.safeJoin(path.join(this.root, bucket, 'meta'), bucket, key);
  }

  /** Validation already refuses traversal; the containment check is a second, independent wall. */
  private safeJoin(base: string, bucket: string, key: string): string {
    assertValidBucket(bucket);
    assertValidKey(key);
    const full = path.resolve(base, key);
    if (!full.startsWith(base + path.sep))
      throw new AppError('invalid_blob_key', `object key ${key} escapes its bucket`);
    return full;
  }

  private async readMeta(bucket: string, key: string): Promise<MetaFile | null> {
    try {
      return JSON.parse(await fsp.readFile(this.metaPath(bucket, key), 'utf8')) as MetaFile;
    } catch (err) {
      if (isMissing(err) || err instanceof SyntaxError) return null;
      throw err;
    }
  }
}
