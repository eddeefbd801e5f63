import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { DB } from './tables.js';

export type Sqlite = BetterSqlite3.Database;
export type Db = Kysely<DB>;

export interface DatabaseHandle {
  sqlite: Sqlite;
  db: Db;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** File path, or ':memory:' for tests. */
  path: string;
  busyTimeoutMs: number;
}

/**
 * Opens the SQLite database with the settings every process must agree on: WAL so readers never
 * block the writer, foreign keys enforced, a busy timeout so a second process (CLI, worker) waits
 * for the lock instead of failing, and synchronous=NORMAL, which in WAL mode is still durable
 * across application crashes (an fsync happens at checkpoint).
 */
export function openDatabase(options: OpenDatabaseOptions): DatabaseHandle {
  if (options.path !== ':memory:')
    fs.mkdirSync(path.dirname(path.resolve(options.path)), { recursive: true });
  const sqlite = new BetterSqlite3(options.path, { timeout: options.busyTimeoutMs });
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs)}`);
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) });
  return {
    sqlite,
    db,
    // Kysely's destroy closes the better-sqlite3 handle too.
    close: () => db.destroy(),
  };
}
