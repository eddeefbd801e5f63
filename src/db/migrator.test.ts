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
    assert.deepEqual(
      migrate(db).applied,
      MIGRATIONS.map((m) => m.id),
    );
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
      'telemetry_series',
      'telemetry_edge_samples',
      'telemetry_camera_samples',
      'telemetry_buckets',
      'feedback',
      'jobs',
      'api_tokens',
      'audit_log',
    ]) {
      assert.ok(tables(db).includes(t), `table ${t}`);
    }
    assert.deepEqual(migrate(db), { applied: [], alreadyApplied: MIGRATIONS.map((m) => m.id) });
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
        id: '9000_broken',
        up: 'CREATE TABLE half_done (id TEXT); ALTER TABLE jobs ADD COLUMN x TEXT; SELECT * FROM no_such_table;',
      },
    ];
    assert.throws(
      () => migrate(db, broken),
      (err) => err instanceof MigrationError && err.migrationId === '9000_broken',
    );
    assert.deepEqual(tables(db), before);
    const jobColumns = (db.prepare('PRAGMA table_info(jobs)').all() as { name: string }[]).map((c) => c.name);
    assert.ok(!jobColumns.includes('x'));
    assert.deepEqual(
      (db.prepare('SELECT id FROM schema_migrations').all() as { id: string }[]).map((r) => r.id),
      MIGRATIONS.map((m) => m.id),
    );
  });

  it('carries 0001 telemetry samples and rollups over to the typed tables of 0002', () => {
    const db = open();
    migrate(
      db,
      MIGRATIONS.filter((m) => m.id === '0001_initial'),
    );
    db.exec(`INSERT INTO edges (id, name, status, enrolled_at, created_at, updated_at) VALUES ('e', 'e', 'active', 0, 0, 0);
      INSERT INTO telemetry_samples VALUES
        ('e', NULL, 1000, '{"cpuPercent":12.5,"memoryUsedBytes":1,"memoryTotalBytes":2,"diskUsedBytes":3,"diskTotalBytes":4,"networkRxBytes":5,"networkTxBytes":6,"temperaturesC":{"soc":50},"eventQueueLength":7,"softwareVersion":"1.2.3"}'),
        ('e', 'cam', 1000, '{"online":true,"fps":9.5,"lastFrameAt":900,"inferenceLatencyMs":21,"triggerRatePerHour":3,"modelVersion":"2.0.0"}');
      INSERT INTO telemetry_rollups VALUES ('e', '', 0, 300, '{"cpuPercent":{"avg":12.5,"min":10,"max":15,"count":2}}');`);
    migrate(db);
    assert.deepEqual(db.prepare('SELECT * FROM telemetry_edge_samples').all(), [
      {
        series_id: 1,
        at: 1000,
        cpu_percent: 12.5,
        memory_used_bytes: 1,
        memory_total_bytes: 2,
        disk_used_bytes: 3,
        disk_total_bytes: 4,
        network_rx_bytes: 5,
        network_tx_bytes: 6,
        event_queue_length: 7,
        temperatures_c: '{"soc":50}',
        software_version: '1.2.3',
      },
    ]);
    assert.deepEqual(db.prepare('SELECT * FROM telemetry_camera_samples').get(), {
      series_id: 2,
      at: 1000,
      online: 1,
      fps: 9.5,
      last_frame_at: 900,
      inference_latency_ms: 21,
      trigger_rate_per_hour: 3,
      model_version: '2.0.0',
    });
    assert.deepEqual(db.prepare('SELECT series_id, metrics FROM telemetry_buckets').get(), {
      series_id: 1,
      metrics: '{"cpuPercent":[12.5,10,15,2]}',
    });
    assert.deepEqual(db.prepare('SELECT * FROM telemetry_rollup_state').get(), {
      step_seconds: 300,
      rolled_until: 300_000,
    });
    assert.ok(!tables(db).includes('telemetry_samples'));
  });

  it('refuses a database written by a newer version', () => {
    const db = open();
    migrate(db);
    db.prepare("INSERT INTO schema_migrations (id, applied_at) VALUES ('9999_future', 0)").run();
    assert.throws(() => migrate(db), /newer uservm/);
  });
});
