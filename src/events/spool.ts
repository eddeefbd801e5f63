import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
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
  constructor(private readonly root: string) {}

  /** Writes `data` at `{root}/{relative}`; returns the absolute path and the sha256. */
  async write(relative: string, data: Uint8Array): Promise<SpooledFile> {
    return (await this.writeAll([{ relative, data }]))[0]!;
  }

  /**
   * Writes several files durably: each to a temp name, fsynced and renamed, in parallel; then each
   * folder they went to is fsynced once (an event's files share one folder, so one folder sync).
   */
  async writeAll(files: { relative: string; data: Uint8Array }[]): Promise<SpooledFile[]> {
    const written = await Promise.all(
      files.map(async ({ relative, data }) => {
        const target = this.resolve(relative);
        await fs.mkdir(path.dirname(target), { recursive: true });
        const tmp = `${target}.${randomUUID()}.tmp`;
        const handle = await fs.open(tmp, 'wx');
        try {
          await handle.writeFile(data);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await fs.rename(tmp, target);
        return { path: target, sha256: createHash('sha256').update(data).digest('hex'), size: data.length };
      }),
    );
    for (const dirPath of new Set(written.map((f) => path.dirname(f.path)))) {
      const dir = await fs.open(dirPath, 'r');
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    }
    return written;
  }

  /** Removes a folder under the spool and everything in it (an event that was not accepted). */
  async removeTree(relative: string): Promise<void> {
    await fs.rm(this.resolve(relative), { recursive: true, force: true });
  }

  async remove(absolute: string): Promise<void> {
    await fs.rm(absolute, { force: true });
    // Drop the event folder once empty; ignore "not empty".
    await fs.rmdir(path.dirname(absolute)).catch(() => undefined);
  }

  private resolve(relative: string): string {
    const full = path.resolve(this.root, relative);
    if (!full.startsWith(path.resolve(this.root) + path.sep))
      throw new Error(`spool path escapes the spool: ${relative}`);
    return full;
  }
}
