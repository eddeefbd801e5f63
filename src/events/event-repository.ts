import type { Insertable, Selectable } from 'kysely';
import type { Db } from '../db/database.js';
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
  hasClip?: boolean;
  text?: string;
  /** Cursor: only events with a smaller id (ids are time-ordered). */
  before?: string;
  limit: number;
}

/** Events and their archived objects. */
export class EventRepository {
  constructor(private readonly db: Db) {}

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
    });
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
    });
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
    if (filter.hasClip !== undefined) q = q.where('has_clip', '=', filter.hasClip ? 1 : 0);
    if (filter.text)
      q = q.where('explanation', 'like', `%${filter.text.replace(/[%_\\]/g, (c) => `\\${c}`)}%`);
    if (filter.before) q = q.where('id', '<', filter.before);
    return q.execute();
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
    id: string,
    status: ArchiveObjectRow['status'],
    fields: { error?: string | null; spoolPath?: string | null; attempt?: boolean } = {},
  ): Promise<void> {
    await this.db
      .updateTable('archive_objects')
      .set((eb) => ({
        status,
        updated_at: Date.now(),
        ...(fields.error !== undefined ? { error: fields.error } : {}),
        ...(fields.spoolPath !== undefined ? { spool_path: fields.spoolPath } : {}),
        ...(fields.attempt ? { attempts: eb('attempts', '+', 1) } : {}),
      }))
      .where('id', '=', id)
      .execute();
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
      await trx.deleteFrom('archive_objects').where('event_id', '=', eventId).execute();
      await trx.deleteFrom('events').where('id', '=', eventId).execute();
    });
  }
}
