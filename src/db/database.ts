import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { AsyncLocalStorage } from 'node:async_hooks';
import { Kysely } from 'kysely';
import { GuardedSqliteDialect, scopeTransactions, type TransactionScope } from './guarded-sqlite-driver.js';
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
  /** Also how long a query waits for a transaction holding the connection (guarded-sqlite-driver.ts). */
  busyTimeoutMs: number;
  /** Throw on a query through the root handle inside a transaction (tests; costs every await). */
  strictTransactions?: boolean;
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
  // Owner-only, before the WAL exists (SQLite gives -wal and -shm the main file's mode); existing
  // files of an older install are tightened too.
  if (options.path !== ':memory:')
    for (const suffix of ['', '-wal', '-shm'])
      if (fs.existsSync(options.path + suffix)) fs.chmodSync(options.path + suffix, 0o600);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs)}`);
  const scope = options.strictTransactions ? new AsyncLocalStorage<TransactionScope>() : undefined;
  const dialect = new GuardedSqliteDialect(
    { database: withStatementCache(sqlite) },
    options.busyTimeoutMs,
    scope,
  );
  const kysely = new Kysely<DB>({ dialect });
  const db = scope ? scopeTransactions(kysely, scope) : kysely;
  return {
    sqlite,
    db,
    // Kysely's destroy closes the better-sqlite3 handle too.
    close: () => db.destroy(),
  };
}

/** How many distinct SQL texts keep their prepared statement (queries with long IN lists vary). */
const STATEMENT_CACHE_SIZE = 1000;

/**
 * Kysely's SQLite driver prepares every query anew, and preparing costs more than running most of
 * ours (a quarter of the CPU of telemetry ingest in a profile). Queries run one at a time on this
 * one connection, so a statement is never in use twice at once and can be reused by SQL text; the
 * least recently used is dropped past the bound. SQLite re-prepares a statement itself after a
 * schema change.
 */
export function withStatementCache(sqlite: Sqlite): { prepare: Sqlite['prepare']; close: () => void } {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => sqlite.close(),
    prepare: ((source: string) => {
      let stmt = cache.get(source);
      if (stmt) cache.delete(source);
      else {
        stmt = sqlite.prepare(source);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      }
      cache.set(source, stmt);
      return stmt;
    }) as Sqlite['prepare'],
  };
}
