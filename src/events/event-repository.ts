import type { Insertable, Selectable } from 'kysely';
import type { Db } from '../db/database.js';
import { addStorageUsage } from './storage-usage-repository.js';
import type { ArchiveObjectsTable, EventsTable } from '../db/tables.js';

export type EventRow = Selectable<EventsTable>;
export type ArchiveObjectRow = Selectable<ArchiveObjectsTable>;

export interface EventFilter {
  cameraIds?: string[];
  edgeIds?: string[];
  from?: number;
  to?: number;
  triggers?: EventRow['trigger_type'][];
  analysisStatus?: string[];
  riskLevels?: string[];
  /** Events with at least one finding of these types (new_object, scene_change, ...). */
  findingTypes?: string[];
  hasClip?: boolean;
  text?: string;
  /** Events of these incidents. */
  incidentIds?: string[];
  /** Only events this API token has (value true) or has not (false) marked reviewed. */
  reviewed?: { tokenId: string; value: boolean };
  /** Cursor: only events with a smaller id (ids are time-ordered). */
  before?: string;
  limit: number;
}

/**
 * Events and their archived objects; storage usage is updated in the same transactions (through
 * StorageUsageRepository's `addStorageUsage`, which owns that table), so it is exact.
 */
export class EventRepository {
  private readonly listeners: ((eventId: string) => void)[] = [];

  constructor(private readonly db: Db) {}

  /** Called after every write that changes an event or its objects (cache invalidation). */
  onChange(listener: (eventId: string) => void): void {
    this.listeners.push(listener);
  }

  /** For other repositories that write event rows (analysis results): keeps caches honest. */
  notifyChanged(eventId: string): void {
    this.changed(eventId);
  }

  private changed(eventId: string): void {
    for (const l of this.listeners) l(eventId);
  }

  async findByEdgeKey(edgeId: string, key: string): Promise<EventRow | undefined> {
    return this.db
      .selectFrom('events')
      .selectAll()
      .where('edge_id', '=', edgeId)
      .where('edge_event_key', '=', key)
      .executeTakeFirst();
  }

  async get(id: string): Promise<EventRow | undefined> {
    return this.db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Inserts the event and its objects atomically. */
  async insertWithObjects(
    event: Insertable<EventsTable>,
    objects: Insertable<ArchiveObjectsTable>[],
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('events').values(event).execute();
      if (objects.length > 0) await trx.insertInto('archive_objects').values(objects).execute();
      await addStorageUsage(
        trx,
        event.camera_id,
        objects.reduce((n, o) => n + o.size, 0),
        objects.length,
      );
    });
    this.changed(event.id);
  }

  /** Records an accepted clip and flags the event, atomically. */
  async insertClip(eventId: string, object: Insertable<ArchiveObjectsTable>): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('archive_objects').values(object).execute();
      await trx
        .updateTable('events')
        .set({ has_clip: 1, updated_at: Date.now() })
        .where('id', '=', eventId)
        .execute();
      await addStorageUsage(trx, object.camera_id, object.size, 1);
    });
    this.changed(eventId);
  }

  async list(filter: EventFilter): Promise<EventRow[]> {
    let q = this.db.selectFrom('events').selectAll().orderBy('id', 'desc').limit(filter.limit);
    if (filter.cameraIds?.length) q = q.where('camera_id', 'in', filter.cameraIds);
    if (filter.edgeIds?.length) q = q.where('edge_id', 'in', filter.edgeIds);
    if (filter.from !== undefined) q = q.where('started_at', '>=', filter.from);
    if (filter.to !== undefined) q = q.where('started_at', '<', filter.to);
    if (filter.triggers?.length) q = q.where('trigger_type', 'in', filter.triggers);
    if (filter.analysisStatus?.length)
      q = q.where('analysis_status', 'in', filter.analysisStatus as EventRow['analysis_status'][]);
    if (filter.riskLevels?.length)
      q = q.where('risk_level', 'in', filter.riskLevels as NonNullable<EventRow['risk_level']>[]);
    if (filter.findingTypes?.length) {
      const types = filter.findingTypes;
      q = q.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('event_findings')
            .select('event_findings.id')
            .whereRef('event_findings.event_id', '=', 'events.id')
            .where('event_findings.type', 'in', types),
        ),
      );
    }
    if (filter.hasClip !== undefined) q = q.where('has_clip', '=', filter.hasClip ? 1 : 0);
    if (filter.incidentIds?.length) q = q.where('incident_id', 'in', filter.incidentIds);
    if (filter.text)
      q = q.where('explanation', 'like', `%${filter.text.replace(/[%_\\]/g, (c) => `\\${c}`)}%`);
    if (filter.reviewed) {
      const { tokenId, value } = filter.reviewed;
      q = q.where(({ exists, not, selectFrom }) => {
        const review = exists(
          selectFrom('event_reviews')
            .select('event_reviews.event_id')
            .whereRef('event_reviews.event_id', '=', 'events.id')
            .where('event_reviews.token_id', '=', tokenId),
        );
        return value ? review : not(review);
      });
    }
    if (filter.before) q = q.where('id', '<', filter.before);
    return q.execute();
  }

  /** The finding types of each of these events (written by the analysis), for their views. */
  async findingTypesOf(eventIds: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (eventIds.length === 0) return out;
    const rows = await this.db
      .selectFrom('event_findings')
      .select(['event_id', 'type'])
      .distinct()
      .where('event_id', 'in', eventIds)
      .orderBy('type')
      .execute();
    for (const r of rows) out.set(r.event_id, [...(out.get(r.event_id) ?? []), r.type]);
    return out;
  }

  /** Archive objects per camera that failed, or wait longer than `olderThan` (ms epoch). */
  async archiveTrouble(olderThan: number): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('archive_objects')
      .select(['camera_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where((eb) =>
        eb.or([
          eb('status', '=', 'failed'),
          eb.and([eb('status', '!=', 'completed'), eb('created_at', '<', olderThan)]),
        ]),
      )
      .groupBy('camera_id')
      .execute();
    return new Map(rows.map((r) => [r.camera_id, Number(r.n)]));
  }

  async objects(eventId: string): Promise<ArchiveObjectRow[]> {
    return this.db
      .selectFrom('archive_objects')
      .selectAll()
      .where('event_id', '=', eventId)
      .orderBy('key')
      .execute();
  }

  async object(eventId: string, key: string): Promise<ArchiveObjectRow | undefined> {
    return this.db
      .selectFrom('archive_objects')
      .selectAll()
      .where('event_id', '=', eventId)
      .where('key', '=', key)
      .executeTakeFirst();
  }

  /** Events with objects not yet in the object store (to queue their archiving again at start). */
  async eventsWithUnarchivedObjects(): Promise<string[]> {
    const rows = await this.db
      .selectFrom('archive_objects')
      .select('event_id')
      .distinct()
      .where('status', 'in', ['pending', 'uploading', 'failed'])
      .where('event_id', 'is not', null)
      .execute();
    return rows.map((r) => r.event_id!);
  }

  async pendingObjects(eventId: string): Promise<ArchiveObjectRow[]> {
    return this.db
      .selectFrom('archive_objects')
      .selectAll()
      .where('event_id', '=', eventId)
      .where('status', 'in', ['pending', 'uploading', 'failed'])
      .orderBy('key')
      .execute();
  }

  async markObject(
    object: Pick<ArchiveObjectRow, 'id' | 'event_id'>,
    status: ArchiveObjectRow['status'],
    fields: { error?: string | null; spoolPath?: string | null; attempt?: boolean } = {},
  ): Promise<void> {
    let q = this.db
      .updateTable('archive_objects')
      .set((eb) => ({
        status,
        updated_at: Date.now(),
        ...(fields.error !== undefined ? { error: fields.error } : {}),
        ...(fields.spoolPath !== undefined ? { spool_path: fields.spoolPath } : {}),
        ...(fields.attempt ? { attempts: eb('attempts', '+', 1) } : {}),
      }))
      .where('id', '=', object.id);
    // Archived is final: a second job archiving the same event concurrently cannot undo it.
    if (status !== 'completed') q = q.where('status', '!=', 'completed');
    await q.execute();
    if (object.event_id) this.changed(object.event_id);
  }

  /** The same change to several objects in one statement (an event's objects before upload). */
  async markObjects(
    objects: Pick<ArchiveObjectRow, 'id' | 'event_id'>[],
    status: ArchiveObjectRow['status'],
    fields: { attempt?: boolean } = {},
  ): Promise<void> {
    if (objects.length === 0) return;
    let q = this.db
      .updateTable('archive_objects')
      .set((eb) => ({
        status,
        updated_at: Date.now(),
        ...(fields.attempt ? { attempts: eb('attempts', '+', 1) } : {}),
      }))
      .where(
        'id',
        'in',
        objects.map((o) => o.id),
      );
    if (status !== 'completed') q = q.where('status', '!=', 'completed');
    await q.execute();
    for (const eventId of new Set(objects.map((o) => o.event_id))) if (eventId) this.changed(eventId);
  }

  async countObjectsByStatus(): Promise<{ status: string; count: number }[]> {
    return this.db
      .selectFrom('archive_objects')
      .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
      .groupBy('status')
      .execute();
  }

  async delete(eventId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const objects = await trx
        .selectFrom('archive_objects')
        .select(['camera_id', 'size'])
        .where('event_id', '=', eventId)
        .execute();
      await trx.deleteFrom('archive_objects').where('event_id', '=', eventId).execute();
      await trx.deleteFrom('events').where('id', '=', eventId).execute();
      if (objects.length > 0)
        await addStorageUsage(
          trx,
          objects[0]!.camera_id,
          -objects.reduce((n, o) => n + o.size, 0),
          -objects.length,
        );
    });
    this.changed(eventId);
  }

  /** Ids of a camera's events that started before `cutoff`, oldest first. */
  async eventsStartedBefore(cameraId: string, cutoff: number, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('events')
      .select('id')
      .where('camera_id', '=', cameraId)
      .where('started_at', '<', cutoff)
      .orderBy('started_at')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  /** Bytes and count of a camera's objects not yet in the store (still spooled). */
  async unarchived(cameraId: string): Promise<{ bytes: number; count: number }> {
    const row = await this.db
      .selectFrom('archive_objects')
      .select((eb) => [
        eb.fn.coalesce(eb.fn.sum<number>('size'), eb.lit(0)).as('bytes'),
        eb.fn.countAll<number>().as('count'),
      ])
      .where('camera_id', '=', cameraId)
      .where('status', '!=', 'completed')
      .executeTakeFirstOrThrow();
    return { bytes: Number(row.bytes), count: Number(row.count) };
  }

  /** The oldest events of all cameras, for retention by total size. */
  async oldestEvents(limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('events')
      .select('id')
      .orderBy('started_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }
}
