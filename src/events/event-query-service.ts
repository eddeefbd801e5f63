import fs from 'node:fs';
import { AppError } from '../errors/app-error.js';
import type { BlobStore, ByteRange } from '../storage/blob-store.js';
import { assertValidRange } from '../storage/hashing.js';
import type { ArchiveObjectRow, EventFilter, EventRepository, EventRow } from './event-repository.js';
import type { Spool } from './spool.js';
import type { Readable } from 'node:stream';
import { LRUCache } from 'lru-cache';
import type { EventReviewRepository } from './event-review-repository.js';
import { toEventView, type EventView } from './event-view.js';

export type { EventView } from './event-view.js';

export interface EventDetail extends EventView {
  objects: { kind: string; key: string; size: number; sha256: string; status: string; bucket: string }[];
}

/** Owners' reads: the timeline and the encrypted objects, from either blob store (or the spool before archiving). */
export class EventQueryService {
  /** Hot cache of recent event details: bounded LRU, entries dropped on every change of the event. */
  private readonly cache: LRUCache<string, EventDetail> | undefined;
  /** Bumped on every change, so a read that raced with a change is not cached stale. */
  private generation = 0;

  constructor(
    private readonly events: EventRepository,
    private readonly store: BlobStore,
    private readonly spool: Spool,
    private readonly reviews: EventReviewRepository,
    cacheEntries = 0,
  ) {
    if (cacheEntries > 0) {
      this.cache = new LRUCache({ max: cacheEntries });
      events.onChange((id) => {
        this.generation++;
        this.cache?.delete(id);
      });
    }
  }

  get cacheSize(): number {
    return this.cache?.size ?? 0;
  }

  /** `viewer`: the calling API token, whose reviews the views carry. */
  async list(
    filter: EventFilter,
    viewer?: string,
  ): Promise<{ items: EventView[]; nextCursor: string | null }> {
    const rows = await this.events.list(filter);
    const findings = await this.events.findingTypesOf(rows.map((r) => r.id));
    const reviewed = viewer
      ? await this.reviews.reviewedAt(
          viewer,
          rows.map((r) => r.id),
        )
      : new Map<string, number>();
    return {
      items: rows.map((r) => toEventView(r, findings.get(r.id) ?? [], reviewed.get(r.id) ?? null)),
      nextCursor: rows.length === filter.limit ? rows[rows.length - 1]!.id : null,
    };
  }

  async get(id: string, viewer?: string): Promise<EventDetail> {
    const detail = await this.detail(id);
    if (!viewer) return detail;
    const at = (await this.reviews.reviewedAt(viewer, [id])).get(id);
    return at === undefined ? detail : { ...detail, reviewedAt: new Date(at).toISOString() };
  }

  /** The event as anyone sees it (cached: no per-caller parts). */
  private async detail(id: string): Promise<EventDetail> {
    const hit = this.cache?.get(id);
    if (hit) return hit;
    const generation = this.generation;
    const row = await this.require(id);
    const objects = await this.events.objects(id);
    const detail: EventDetail = {
      ...toEventView(row, (await this.events.findingTypesOf([id])).get(id) ?? []),
      objects: objects.map((o) => ({
        kind: o.kind,
        key: o.key,
        size: o.size,
        sha256: o.sha256,
        status: o.status,
        bucket: o.bucket,
      })),
    };
    if (generation === this.generation) this.cache?.set(id, detail);
    return detail;
  }

  /** The n-th snapshot's ciphertext, whole or a byte range, as a stream (constant memory). */
  async snapshot(
    eventId: string,
    index: number,
    range?: ByteRange,
  ): Promise<{ object: ArchiveObjectRow; stream: Readable; range?: ByteRange }> {
    await this.require(eventId);
    const object = await this.describe(eventId, 'snapshot', index);
    if (!object) throw new AppError('not_found', `event ${eventId} has no snapshot ${index}`);
    return this.read(object, range);
  }

  /** The event's encrypted clip, whole or a byte range. */
  async clip(
    eventId: string,
    range?: ByteRange,
  ): Promise<{ object: ArchiveObjectRow; stream: Readable; range?: ByteRange }> {
    await this.require(eventId);
    const object = (await this.events.objects(eventId)).find((o) => o.kind === 'clip');
    if (!object) throw new AppError('not_found', `event ${eventId} has no clip`);
    return this.read(object, range);
  }

  /** Size and sha256 of an object, to answer Range and If-None-Match before opening it. */
  async describe(
    eventId: string,
    kind: 'clip' | 'snapshot',
    index = 0,
  ): Promise<ArchiveObjectRow | undefined> {
    const objects = await this.events.objects(eventId);
    return kind === 'clip'
      ? objects.find((o) => o.kind === 'clip')
      : objects.find(
          (o) => o.kind === 'snapshot' && new RegExp(`/snapshot-${index}\\.[a-z]+\\.age$`).test(o.key),
        );
  }

  async delete(eventId: string): Promise<void> {
    await this.require(eventId);
    for (const o of await this.events.objects(eventId)) {
      await this.store.delete(o.bucket, o.key);
      if (o.spool_path) await this.spool.remove(o.spool_path);
    }
    await this.events.delete(eventId);
  }

  private async read(
    object: ArchiveObjectRow,
    range?: ByteRange,
  ): Promise<{ object: ArchiveObjectRow; stream: Readable; range?: ByteRange }> {
    if (range) assertValidRange(range, object.size);
    if (object.status !== 'completed' && object.spool_path && fs.existsSync(object.spool_path)) {
      const stream = fs.createReadStream(
        object.spool_path,
        range ? { start: range.start, end: range.end } : {},
      );
      return { object, stream, ...(range ? { range } : {}) };
    }
    const read = await this.store.get(object.bucket, object.key, range);
    return { object, stream: read.stream, ...(range ? { range } : {}) };
  }

  private async require(id: string): Promise<EventRow> {
    const row = await this.events.get(id);
    if (!row) throw new AppError('not_found', `event ${id} does not exist`);
    return row;
  }
}
