import type { Db } from '../db/database.js';

/** Which events each API token has marked reviewed. */
export class EventReviewRepository {
  constructor(private readonly db: Db) {}

  /** Marks the events that exist; returns how many are now marked (already marked ones count). */
  async mark(tokenId: string, eventIds: string[], at: number): Promise<number> {
    if (eventIds.length === 0) return 0;
    return this.db.transaction().execute(async (trx) => {
      const existing = await trx.selectFrom('events').select('id').where('id', 'in', eventIds).execute();
      if (existing.length === 0) return 0;
      await trx
        .insertInto('event_reviews')
        .values(existing.map((e) => ({ event_id: e.id, token_id: tokenId, reviewed_at: at })))
        .onConflict((oc) => oc.columns(['token_id', 'event_id']).doNothing())
        .execute();
      return existing.length;
    });
  }

  async unmark(tokenId: string, eventIds: string[]): Promise<number> {
    if (eventIds.length === 0) return 0;
    const res = await this.db
      .deleteFrom('event_reviews')
      .where('token_id', '=', tokenId)
      .where('event_id', 'in', eventIds)
      .executeTakeFirst();
    return Number(res.numDeletedRows);
  }

  /** When the token reviewed each of these events (absent: not reviewed). */
  async reviewedAt(tokenId: string, eventIds: string[]): Promise<Map<string, number>> {
    if (eventIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('event_reviews')
      .select(['event_id', 'reviewed_at'])
      .where('token_id', '=', tokenId)
      .where('event_id', 'in', eventIds)
      .execute();
    return new Map(rows.map((r) => [r.event_id, r.reviewed_at]));
  }
}
