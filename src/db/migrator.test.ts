import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openDatabase } from './database.js';
import { migrate, MigrationError } from './migrator.js';
import { MIGRATIONS } from './migrations/index.js';

const open = () => openDatabase({ path: ':memory:', busyTimeoutMs: 1000 }).sqlite;
const tables = (db: ReturnType<typeof open>) =>
  (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
      name: string;
    }[]
  ).map((r) => r.name);

describe('migrate', () => {
  it('creates every table the capabilities need, once', () => {
    const db = open();
    assert.deepEqual(migrate(db).applied, ['0001_initial']);
    for (const t of [
      'edges',
      'bootstrap_tokens',
      'cameras',
      'datasets',
      'snapshots',
      'training_jobs',
      'models',
      'deployments',
      'baselines',
      'events',
      'event_objects',
      'event_findings',
      'archive_objects',
      'storage_usage',
      'telemetry_samples',
      'feedback',
      'jobs',
      'api_tokens',
      'audit_log',
    ]) {
      assert.ok(tables(db).includes(t), `table ${t}`);
    }
    assert.deepEqual(migrate(db), { applied: [], alreadyApplied: ['0001_initial'] });
  });

  it('enforces foreign keys', () => {
    const db = open();
    migrate(db);
    assert.throws(
      () =>
        db
          .prepare(
            "INSERT INTO cameras (id, edge_id, name, created_at, updated_at) VALUES ('c', 'no-such-edge', 'c', 0, 0)",
          )
          .run(),
      /FOREIGN KEY/,
    );
  });

  it('leaves the database exactly as it was when a migration fails', () => {
    const db = open();
    migrate(db);
    const before = tables(db);
    const broken = [
      ...MIGRATIONS,
      {
        id: '0002_broken',
        up: 'CREATE TABLE half_done (id TEXT); ALTER TABLE jobs ADD COLUMN x TEXT; SELECT * FROM no_such_table;',
      },
    ];
    assert.throws(
      () => migrate(db, broken),
      (err) => err instanceof MigrationError && err.migrationId === '0002_broken',
    );
    assert.deepEqual(tables(db), before);
    const jobColumns = (db.prepare('PRAGMA table_info(jobs)').all() as { name: string }[]).map((c) => c.name);
    assert.ok(!jobColumns.includes('x'));
    assert.deepEqual(
      (db.prepare('SELECT id FROM schema_migrations').all() as { id: string }[]).map((r) => r.id),
      ['0001_initial'],
    );
  });

  it('refuses a database written by a newer version', () => {
    const db = open();
    migrate(db);
    db.prepare("INSERT INTO schema_migrations (id, applied_at) VALUES ('9999_future', 0)").run();
    assert.throws(() => migrate(db), /newer uservm/);
  });
});
