import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Local durable storage for accepted uploads until the object store has them. A file is written to
 * a temp name, fsynced and renamed, and its folder fsynced, before the upload is acknowledged: a
 * crash or an unreachable object store after the ack loses nothing.
 */
export class Spool {
  constructor(private readonly root: string) {}

  /** Writes `data` at `{root}/{relative}`; returns the absolute path and the sha256. */
  async write(relative: string, data: Uint8Array): Promise<{ path: string; sha256: string; size: number }> {
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
    const dir = await fs.open(path.dirname(target), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    return { path: target, sha256: createHash('sha256').update(data).digest('hex'), size: data.length };
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
