// File-system helpers of FsBlobStore: durable writes, folder fsync, the checksum sidecar, listing.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { ContentHasher } from './hashing.js';

export interface MetaFile {
  sha256: string;
  size: number;
  contentType?: string;
}

/** Keys under `root/dir`, in lexicographic order like an S3 listing. */
export async function* walk(root: string, dir: string): AsyncGenerator<string> {
  let entries: fs.Dirent[];
  try {
    entries = await fsp.readdir(path.join(root, dir), { withFileTypes: true });
  } catch (err) {
    if (isMissing(err) || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return;
    throw err;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) yield* walk(root, rel);
    else if (entry.isFile()) yield rel;
  }
}

export function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

export function metaFile(sha256: string, size: number, contentType?: string): Buffer {
  const meta: MetaFile = { sha256, size, ...(contentType ? { contentType } : {}) };
  return Buffer.from(JSON.stringify(meta));
}

/** Hashes a file already on disk and fsyncs it (a file handed over to be kept). */
export async function hashAndSync(file: string): Promise<{ bytes: number; sha256: string }> {
  const hasher = new ContentHasher();
  const handle = await fsp.open(file, 'r');
  try {
    for await (const chunk of handle.createReadStream({ autoClose: false, highWaterMark: 256 * 1024 }))
      hasher.update(chunk as Buffer);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { bytes: hasher.bytes, sha256: hasher.digest() };
}

/**
 * Writes `body` to a new file, hashing it on the way, and fsyncs it before closing: one open, the
 * writes, one fsync, one close. `maxBytes` stops a stream that sends more than it declared.
 */
export async function writeDurably(
  file: string,
  body: Readable | Buffer,
  maxBytes?: number,
): Promise<{ bytes: number; sha256: string }> {
  const hasher = new ContentHasher(maxBytes);
  const handle = await fsp.open(file, 'wx', 0o600);
  try {
    for await (const chunk of Buffer.isBuffer(body) ? [body] : body) {
      const data = chunk as Buffer;
      hasher.update(data);
      for (let at = 0; at < data.length;) at += (await handle.write(data, at, data.length - at)).bytesWritten;
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { bytes: hasher.bytes, sha256: hasher.digest() };
}

export async function fsyncDir(dir: string): Promise<void> {
  const handle = await fsp.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
