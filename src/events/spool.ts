import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';

/**
 * Local durable storage for accepted uploads until the object store has them. A file is written to
 * a temp name, fsynced and renamed, and its folder fsynced, before the upload is acknowledged: a
 * crash or an unreachable object store after the ack loses nothing.
 */
export interface SpooledFile {
  path: string;
  sha256: string;
  size: number;
}

export class Spool {
  constructor(readonly root: string) {}

  /**
   * Writes several files durably: each to a temp name, written, fsynced and renamed; then each
   * folder they went to is fsynced once (an event's files share one folder, so one folder sync).
   * Blocking calls on purpose: this runs in the ingest worker threads, where a synchronous syscall
   * costs a few microseconds against tens for each round trip of the promise API through libuv's
   * thread pool, and it keeps the event loop free of the spool's file-system work altogether.
   */
  writeAllSync(files: { relative: string; data: Uint8Array }[]): SpooledFile[] {
    const written = files.map(({ relative, data }) => {
      const target = this.resolve(relative);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      const tmp = `${target}.${randomUUID()}.tmp`;
      const fd = fs.openSync(tmp, 'wx', 0o600);
      try {
        for (let at = 0; at < data.length;) at += fs.writeSync(fd, data, at);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(tmp, target);
      return { path: target, sha256: createHash('sha256').update(data).digest('hex'), size: data.length };
    });
    for (const dirPath of new Set(written.map((f) => path.dirname(f.path)))) {
      const dir = fs.openSync(dirPath, 'r');
      try {
        fs.fsyncSync(dir);
      } finally {
        fs.closeSync(dir);
      }
    }
    return written;
  }

  /** Synchronous `removeTree`, for the same worker threads. */
  removeTreeSync(relative: string): void {
    fs.rmSync(this.resolve(relative), { recursive: true, force: true });
  }

  /** Removes a folder under the spool and everything in it (an event that was not accepted). */
  async removeTree(relative: string): Promise<void> {
    await fsp.rm(this.resolve(relative), { recursive: true, force: true });
  }

  async remove(absolute: string): Promise<void> {
    await fsp.rm(absolute, { force: true });
    // Drop the event folder once empty; ignore "not empty".
    await fsp.rmdir(path.dirname(absolute)).catch(() => undefined);
  }

  private resolve(relative: string): string {
    const full = path.resolve(this.root, relative);
    if (!full.startsWith(path.resolve(this.root) + path.sep))
      throw new Error(`spool path escapes the spool: ${relative}`);
    return full;
  }
}
