import type { Insertable, Selectable } from 'kysely';
import type { Db } from '../db/database.js';
import type { ApiTokensTable } from '../db/tables.js';

export type ApiTokenRow = Selectable<ApiTokensTable>;

export class ApiTokenRepository {
  constructor(private readonly db: Db) {}

  async insert(row: Insertable<ApiTokensTable>): Promise<ApiTokenRow> {
    return this.db.insertInto('api_tokens').values(row).returningAll().executeTakeFirstOrThrow();
  }

  async findByPrefix(prefix: string): Promise<ApiTokenRow | undefined> {
    return this.db.selectFrom('api_tokens').selectAll().where('prefix', '=', prefix).executeTakeFirst();
  }

  async get(id: string): Promise<ApiTokenRow | undefined> {
    return this.db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async list(): Promise<ApiTokenRow[]> {
    return this.db.selectFrom('api_tokens').selectAll().orderBy('created_at').execute();
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('api_tokens')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async revoke(id: string, at: number): Promise<ApiTokenRow | undefined> {
    return this.db
      .updateTable('api_tokens')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
  }

  async touch(id: string, at: number): Promise<void> {
    await this.db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
  }
}
