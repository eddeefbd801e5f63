import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { newId } from '../db/ids.js';
import type { CameraAccess } from '../edges/camera-access.js';
import type { EdgeIdentity } from '../edges/edge-identity.js';
import { AppError } from '../errors/app-error.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { Logger } from '../logging/logger.js';
import { AGE_HEADER } from './age-encryptor.js';
import { AGE_INSPECT_BYTES, assertAgeFile } from './age-format.js';
import { ARCHIVE_JOB } from './archive-job.js';
import type { EventRepository } from './event-repository.js';
import type { QuotaService } from './quota-service.js';

export interface ClipHeader {
  eventId: string;
  size: number;
  sha256: string;
  offset: number;
}

const SHA256_RE = /^[0-9a-f]{64}$/;

/**
 * Receives an edge-encrypted clip as a stream of chunks into `{spool}/events/{id}/clip.mp4.age.part`,
 * resumable from the bytes already held. The clip is never decrypted: its first bytes must be an
 * age header (plaintext video is refused and nothing kept), and the whole file must be a
 * well-formed binary age file (age-format.ts) matching the declared size and sha256 before it is
 * accepted and queued for the archive. One upload per clip at a time.
 */
export class ClipUploadService {
  constructor(
    private readonly events: EventRepository,
    private readonly access: CameraAccess,
    private readonly jobs: JobQueue,
    private readonly quotas: QuotaService,
    private readonly spoolRoot: string,
    private readonly settings: { maxClipBytes: number },
    private readonly log: Logger,
  ) {}

  /** Bytes held for an unfinished upload (0 if none), or the full size when complete. */
  async status(
    identity: EdgeIdentity,
    eventId: string,
  ): Promise<{ receivedBytes: number; complete: boolean }> {
    await this.ownedEvent(identity, eventId);
    const done = await this.events.object(eventId, clipKey(eventId));
    if (done) return { receivedBytes: done.size, complete: true };
    return { receivedBytes: await sizeOf(this.partPath(eventId)), complete: false };
  }

  /** Events with an upload running in this process: one writer per part file. */
  private readonly uploading = new Set<string>();

  async upload(
    identity: EdgeIdentity,
    header: ClipHeader,
    chunks: AsyncIterable<Uint8Array>,
  ): Promise<{ eventId: string; size: number; sha256: string }> {
    const event = await this.ownedEvent(identity, header.eventId);
    if (this.uploading.has(event.id))
      throw new AppError(
        'upload_in_progress',
        'another upload of this clip is running; ask QueryClipUpload where it got to once it ends',
      );
    this.uploading.add(event.id);
    try {
      return await this.receive(event, header, chunks);
    } finally {
      this.uploading.delete(event.id);
    }
  }

  private async receive(
    event: { id: string; camera_id: string },
    header: ClipHeader,
    chunks: AsyncIterable<Uint8Array>,
  ): Promise<{ eventId: string; size: number; sha256: string }> {
    const sha256 = header.sha256.toLowerCase();
    if (!SHA256_RE.test(sha256))
      throw new AppError('validation_failed', 'clip sha256 must be 64 hex characters');
    if (!Number.isSafeInteger(header.size) || header.size <= AGE_HEADER.length)
      throw new AppError('validation_failed', 'clip size is missing or too small to be an age file');
    if (header.size > this.settings.maxClipBytes)
      throw new AppError(
        'validation_failed',
        `clip of ${header.size} bytes is over the limit of ${this.settings.maxClipBytes}`,
      );

    const done = await this.events.object(event.id, clipKey(event.id));
    if (done) {
      if (done.sha256 === sha256) return { eventId: event.id, size: done.size, sha256 };
      throw new AppError('conflict', 'this event already has a different clip');
    }
    const part = this.partPath(event.id);
    const held = await sizeOf(part);
    if (held === 0) await this.quotas.assertRoomFor(event.camera_id, header.size);
    if (header.offset !== held) {
      throw new AppError(
        'range_not_satisfiable',
        `resume offset ${header.offset} does not match the ${held} bytes held; resume from ${held}`,
        { receivedBytes: held },
      );
    }
    await fsp.mkdir(path.dirname(part), { recursive: true });
    const out = fs.createWriteStream(part, { flags: 'a', mode: 0o600 });
    let written = held;
    try {
      await pipeline(
        (async function* () {
          for await (const chunk of chunks) {
            if (written === 0 && !isAgeHeader(chunk)) {
              throw new AppError(
                'validation_failed',
                "the clip is not age-encrypted (plaintext video is refused; encrypt it on the edge to the owner's recipient)",
              );
            }
            written += chunk.length;
            if (written > header.size)
              throw new AppError(
                'integrity_mismatch',
                `received more than the declared ${header.size} bytes`,
              );
            yield chunk;
          }
        })(),
        out,
      );
    } catch (err) {
      // A refused clip keeps nothing; a dropped stream keeps what arrived, for resuming.
      if (err instanceof AppError) await fsp.rm(part, { force: true });
      else await syncFile(part);
      throw err;
    }
    await syncFile(part);
    if (written < header.size) return { eventId: event.id, size: written, sha256: '' };
    return this.finish(event.id, event.camera_id, part, header.size, sha256);
  }

  private async finish(eventId: string, cameraId: string, part: string, size: number, sha256: string) {
    const actual = await hashFile(part);
    if (actual !== sha256) {
      await fsp.rm(part, { force: true });
      throw new AppError(
        'integrity_mismatch',
        "the clip's sha256 does not match the declared one; upload it again from offset 0",
      );
    }
    await this.assertEncrypted(part, size);
    const final = part.slice(0, -'.part'.length);
    await fsp.rename(part, final);
    const bucket = (await this.events.objects(eventId)).find((o) => o.kind !== 'clip')?.bucket;
    const now = Date.now();
    await this.events.insertClip(eventId, {
      id: newId(),
      event_id: eventId,
      camera_id: cameraId,
      kind: 'clip',
      bucket: bucket!,
      key: clipKey(eventId),
      size,
      sha256,
      status: 'pending',
      spool_path: final,
      error: null,
      created_at: now,
      updated_at: now,
    });
    await this.quotas.checkWarning(cameraId);
    // Its own dedupe key: an archive job of the frames may already be running past its object list.
    await this.jobs.enqueue(ARCHIVE_JOB, { eventId }, { dedupeKey: `${eventId}:clip` });
    this.log.info({ eventId, size }, 'clip accepted');
    return { eventId, size, sha256 };
  }

  /** The whole age structure, once all bytes are in; a clip that fails it keeps nothing. */
  private async assertEncrypted(part: string, size: number): Promise<void> {
    const handle = await fsp.open(part, 'r');
    try {
      const head = Buffer.alloc(Math.min(size, AGE_INSPECT_BYTES));
      await handle.read(head, 0, head.length, 0);
      assertAgeFile(head, size);
    } catch (err) {
      await fsp.rm(part, { force: true });
      throw err;
    } finally {
      await handle.close();
    }
  }

  private async ownedEvent(identity: EdgeIdentity, eventId: string) {
    const event = await this.events.get(eventId);
    if (!event || event.edge_id !== identity.edgeId)
      throw new AppError('not_found', `event ${eventId} does not exist for this edge`);
    await this.access.assertAllowed(identity, event.camera_id);
    return event;
  }

  private partPath(eventId: string): string {
    return path.join(this.spoolRoot, 'events', eventId, 'clip.mp4.age.part');
  }
}

export const clipKey = (eventId: string) => `events/${eventId}/clip.mp4.age`;

/** A quick look at the first chunk (plaintext refused before it is written); assertAgeFile checks the rest. */
function isAgeHeader(chunk: Uint8Array): boolean {
  return Buffer.from(chunk.subarray(0, AGE_HEADER.length)).toString('latin1') === AGE_HEADER;
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await fsp.stat(file)).size;
  } catch {
    return 0;
  }
}

async function syncFile(file: string): Promise<void> {
  const handle = await fsp.open(file, 'r').catch(() => null);
  if (!handle) return;
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
