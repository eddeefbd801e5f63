/**
 * Event frames waiting for analysis, kept on disk so that a crash or restart loses no acknowledged
 * event's analysis. The service reads these frames in clear while it analyses them anyway, so they
 * are encrypted at rest with a key the service holds (AES-256-GCM, the event id as associated
 * data, so a file cannot be passed off as another event's); the owner-encrypted archive is a
 * separate copy the service cannot read. A file is written to a temp name, fsynced, renamed and its
 * folder fsynced before the event is acknowledged, and deleted as soon as the analysis is stored.
 *
 * Bounded by bytes: when a new event does not fit, the oldest waiting events are dropped (ids are
 * UUIDv7, so their order is the order of arrival) and the caller marks them failed with the reason.
 */
import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

export interface PendingFrame {
  image: Uint8Array;
  capturedAt: number | null;
}

export interface PendingEvent {
  frames: PendingFrame[];
  conditions: Record<string, string> | null;
}

const MAGIC = Buffer.from('UVMPF1');
const NONCE = 12;
const TAG = 16;
const SUFFIX = '.frames';
const ID = /^[0-9A-Za-z-]{1,64}$/;

interface Header {
  conditions: Record<string, string> | null;
  frames: { capturedAt: number | null; bytes: number }[];
}

export class PendingFrameStore {
  /** Waiting events and their file sizes, oldest first. */
  private readonly index = new Map<string, number>();
  private bytes = 0;

  private constructor(
    readonly dir: string,
    private readonly key: Buffer,
    readonly maxBytes: number,
  ) {}

  /** Opens (creating) the folder, loads the existing files' sizes, removes half-written ones. */
  static async open(dir: string, key: Buffer, maxBytes: number): Promise<PendingFrameStore> {
    if (key.length !== 32) throw new Error('the pending-frames key must be 32 bytes');
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const store = new PendingFrameStore(dir, key, maxBytes);
    const names = (await fs.readdir(dir)).sort();
    for (const name of names) {
      const full = path.join(dir, name);
      if (name.endsWith('.tmp')) await fs.rm(full, { force: true });
      else if (name.endsWith(SUFFIX)) {
        const { size } = await fs.stat(full);
        store.index.set(name.slice(0, -SUFFIX.length), size);
        store.bytes += size;
      }
    }
    return store;
  }

  get usedBytes(): number {
    return this.bytes;
  }

  get count(): number {
    return this.index.size;
  }

  ids(): string[] {
    return [...this.index.keys()];
  }

  has(eventId: string): boolean {
    return this.index.has(eventId);
  }

  /**
   * Stores an event's frames durably. Returns the ids of older events dropped to make room; an
   * event larger than the whole bound is not stored and its own id is returned.
   */
  async put(eventId: string, event: PendingEvent): Promise<string[]> {
    const sealed = this.seal(eventId, event);
    if (sealed.length > this.maxBytes) return [eventId];
    const dropped: string[] = [];
    await this.remove(eventId);
    let freed = 0;
    for (const [oldest, size] of this.index) {
      if (this.bytes - freed + sealed.length <= this.maxBytes) break;
      dropped.push(oldest);
      freed += size;
    }
    // Claim the room before the first await, so concurrent puts see each other's size.
    for (const id of dropped) this.forget(id);
    this.index.set(eventId, sealed.length);
    this.bytes += sealed.length;
    try {
      await this.writeDurably(this.file(eventId), sealed);
    } catch (err) {
      this.forget(eventId);
      throw err;
    }
    // A concurrent put may have dropped this event while it was being written.
    if (!this.index.has(eventId)) await fs.rm(this.file(eventId), { force: true });
    await Promise.all(dropped.map((id) => fs.rm(this.file(id), { force: true })));
    return dropped;
  }

  /** The frames, or undefined when none are waiting for this event. Kept until `remove`. */
  async get(eventId: string): Promise<PendingEvent | undefined> {
    if (!this.index.has(eventId)) return undefined;
    let sealed: Buffer;
    try {
      sealed = await fs.readFile(this.file(eventId));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    return this.open(eventId, sealed);
  }

  async remove(eventId: string): Promise<void> {
    if (!this.index.has(eventId)) return;
    this.forget(eventId);
    await fs.rm(this.file(eventId), { force: true });
  }

  private forget(eventId: string): void {
    const size = this.index.get(eventId);
    if (size === undefined) return;
    this.index.delete(eventId);
    this.bytes -= size;
  }

  private file(eventId: string): string {
    if (!ID.test(eventId)) throw new Error(`not an event id: ${eventId}`);
    return path.join(this.dir, `${eventId}${SUFFIX}`);
  }

  private seal(eventId: string, event: PendingEvent): Buffer {
    const header: Header = {
      conditions: event.conditions,
      frames: event.frames.map((f) => ({ capturedAt: f.capturedAt, bytes: f.image.length })),
    };
    const json = Buffer.from(JSON.stringify(header));
    const length = Buffer.alloc(4);
    length.writeUInt32BE(json.length);
    const nonce = randomBytes(NONCE);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(Buffer.from(eventId));
    const parts = [cipher.update(length), cipher.update(json)];
    for (const f of event.frames) parts.push(cipher.update(f.image));
    parts.push(cipher.final());
    return Buffer.concat([MAGIC, nonce, cipher.getAuthTag(), ...parts]);
  }

  private open(eventId: string, sealed: Buffer): PendingEvent {
    const head = MAGIC.length;
    if (sealed.length < head + NONCE + TAG + 4 || !sealed.subarray(0, head).equals(MAGIC))
      throw new Error(`pending frames of event ${eventId} are not in the expected format`);
    const nonce = sealed.subarray(head, head + NONCE);
    const tag = sealed.subarray(head + NONCE, head + NONCE + TAG);
    const decipher = createDecipheriv('aes-256-gcm', this.key, nonce);
    decipher.setAAD(Buffer.from(eventId));
    decipher.setAuthTag(tag);
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(sealed.subarray(head + NONCE + TAG)), decipher.final()]);
    } catch {
      throw new Error(
        `pending frames of event ${eventId} failed authentication (damaged, or written with another key)`,
      );
    }
    const jsonLength = plain.readUInt32BE(0);
    const header = JSON.parse(plain.subarray(4, 4 + jsonLength).toString()) as Header;
    let at = 4 + jsonLength;
    const frames = header.frames.map((f) => {
      const image = new Uint8Array(plain.buffer, plain.byteOffset + at, f.bytes);
      at += f.bytes;
      return { image, capturedAt: f.capturedAt };
    });
    return { frames, conditions: header.conditions };
  }

  private async writeDurably(target: string, data: Buffer): Promise<void> {
    const tmp = `${target}.${randomUUID()}.tmp`;
    const handle = await fs.open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, target);
    const dir = await fs.open(this.dir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}

/**
 * The service's own key for frames at rest: 32 random bytes in a 0600 file, created on first use.
 * Losing it only makes the frames still waiting unreadable (their events fail with that reason);
 * backups include it.
 */
export async function loadOrCreateKey(file: string): Promise<Buffer> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  // Written whole to a temp name and linked into place: a crash never leaves a short key file, and
  // of two processes starting at once the first link wins and both read the same key.
  const tmp = `${file}.${randomUUID()}.tmp`;
  await fs.writeFile(tmp, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flush: true });
  try {
    await fs.link(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await fs.rm(tmp, { force: true });
  }
  const key = Buffer.from((await fs.readFile(file, 'utf8')).trim(), 'base64');
  if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 key`);
  return key;
}
