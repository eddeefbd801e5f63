import type { Sqlite } from './database.js';
import { MIGRATIONS, type Migration } from './migrations/index.js';

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

export class MigrationError extends Error {
  constructor(
    readonly migrationId: string,
    cause: unknown,
  ) {
    super(`migration ${migrationId} failed and was rolled back: ${(cause as Error).message}`, { cause });
    this.name = 'MigrationError';
  }
}

/** Migrations recorded in the database (none for a new file), without changing anything. */
export function appliedMigrations(sqlite: Sqlite): string[] {
  const table = sqlite
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
    .get();
  if (!table) return [];
  return (sqlite.prepare('SELECT id FROM schema_migrations ORDER BY id').all() as { id: string }[]).map(
    (r) => r.id,
  );
}

/** Known migrations the database has not applied yet. */
export function pendingMigrations(sqlite: Sqlite, migrations: Migration[] = MIGRATIONS): string[] {
  const done = new Set(appliedMigrations(sqlite));
  return migrations.map((m) => m.id).filter((id) => !done.has(id));
}

/**
 * Applies pending migrations in order, each in its own transaction together with its row in
 * schema_migrations, so a failing migration leaves the database exactly as it was before it.
 * (Kysely's Migrator runs SQLite migrations outside transactions, hence this small runner.)
 * A database that knows migrations this build does not is refused: it was written by a newer
 * version, and running on it could corrupt data.
 */
export function migrate(sqlite: Sqlite, migrations: Migration[] = MIGRATIONS): MigrationResult {
  sqlite.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT`);
  const done = new Set(
    (sqlite.prepare('SELECT id FROM schema_migrations').all() as { id: string }[]).map((r) => r.id),
  );
  const known = new Set(migrations.map((m) => m.id));
  const unknown = [...done].filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new Error(
      `the database has migrations this version does not know (${unknown.join(', ')}); it was written by a newer uservm`,
    );
  }
  const result: MigrationResult = { applied: [], alreadyApplied: [] };
  const record = sqlite.prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)');
  for (const migration of [...migrations].sort((a, b) => a.id.localeCompare(b.id))) {
    if (done.has(migration.id)) {
      result.alreadyApplied.push(migration.id);
      continue;
    }
    try {
      sqlite.transaction(() => {
        sqlite.exec(migration.up);
        record.run(migration.id, Date.now());
      })();
    } catch (err) {
      throw new MigrationError(migration.id, err);
    }
    result.applied.push(migration.id);
  }
  return result;
}
