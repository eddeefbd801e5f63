/**
 * bench/backup: back up and restore an install with 10k analysed events (each with a ~2 KB report,
 * three findings and three archived objects), as `uservm backup` / `uservm restore` do.
 * Target: backup under 5 s on this machine. The restore is checked (every event is there).
 * Run: npm run bench:backup [-- --events 10000]
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { composeService } from '../../src/app/compose.js';
import { createBackup } from '../../src/backup/create-backup.js';
import { restoreBackup } from '../../src/backup/restore-backup.js';
import { loadConfig } from '../../src/config/load.js';
import { newId } from '../../src/db/ids.js';
import { silentLogger } from '../../src/test-support/silent-logger.js';
import { arg } from '../support/load.js';

const EVENTS = arg('events', 10_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uvm-bench-backup-'));
const config = (d: string) => loadConfig({ env: {}, overrides: { dataDir: d, 'log.level': 'silent' } });
const source = config(path.join(dir, 'source'));

// The install's own state (database, CA, WireGuard key, analysis key) as the service creates it.
const service = await composeService(source, silentLogger, { onInitialAdminToken: () => undefined });
await service.database.close();

const sqlite = new BetterSqlite3(path.join(source.dataDir, 'uservm.sqlite'));
const t0 = Date.now() - 30 * 86_400_000;
sqlite
  .prepare(
    "INSERT INTO edges (id, name, status, cert_fingerprint, enrolled_at, created_at, updated_at) VALUES ('e1', 'e1', 'active', ?, ?, ?, ?)",
  )
  .run(randomBytes(32).toString('hex'), t0, t0, t0);
sqlite
  .prepare(
    "INSERT INTO cameras (id, edge_id, name, created_at, updated_at) VALUES ('cam', 'e1', 'cam', ?, ?)",
  )
  .run(t0, t0);
const report = JSON.stringify({
  findings: Array.from({ length: 3 }, (_, i) => ({
    type: 'new_object',
    label: 'person',
    score: 0.7,
    box: [i, 0.2, 0.3, 0.4],
  })),
  inputs: {
    frames: Array.from({ length: 3 }, () => ({
      detections: Array.from({ length: 6 }, () => ({
        label: 'person',
        score: 0.8,
        box: { x1: 10, y1: 20, x2: 30, y2: 40 },
      })),
    })),
  },
  explanation: 'Person in the middle-left of the view at 14:02, where people are not normally seen.',
});
const event = sqlite.prepare(
  `INSERT INTO events (id, camera_id, edge_id, edge_event_key, trigger_type, started_at, frame_count, analysis_status, risk_score, risk_level, explanation, report, created_at, updated_at)
   VALUES (?, 'cam', 'e1', ?, 'anomaly', ?, 3, 'analyzed', 55, 'warning', 'Person on the lawn.', ?, ?, ?)`,
);
const finding = sqlite.prepare(
  `INSERT INTO event_findings (id, event_id, type, score, evidence) VALUES (?, ?, 'new_object', 0.7, '{"label":"person","box":[0.1,0.2,0.3,0.4]}')`,
);
const object = sqlite.prepare(
  `INSERT INTO archive_objects (id, event_id, camera_id, kind, bucket, key, size, sha256, status, created_at, updated_at)
   VALUES (?, ?, 'cam', ?, 'camera-cam', ?, 120000, ?, 'completed', ?, ?)`,
);
sqlite.transaction(() => {
  for (let i = 0; i < EVENTS; i++) {
    const id = newId();
    const at = t0 + i * 60_000;
    event.run(id, `k${i}`, at, report, at, at);
    for (let f = 0; f < 3; f++) finding.run(newId(), id);
    for (const kind of ['snapshot', 'snapshot', 'metadata'])
      object.run(
        newId(),
        id,
        kind,
        `events/${id}/${kind}-${newId()}`,
        randomBytes(32).toString('hex'),
        at,
        at,
      );
  }
})();
sqlite.pragma('wal_checkpoint(TRUNCATE)');
sqlite.close();
const dbBytes = fs.statSync(path.join(source.dataDir, 'uservm.sqlite')).size;

const file = path.join(dir, 'backup.zip');
let started = performance.now();
const backup = await createBackup(source, file);
const backupSeconds = (performance.now() - started) / 1000;

const target = config(path.join(dir, 'restored'));
started = performance.now();
await restoreBackup(target, file);
const restoreSeconds = (performance.now() - started) / 1000;
const restored = new BetterSqlite3(path.join(target.dataDir, 'uservm.sqlite'), { readonly: true });
const count = (restored.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
restored.close();
if (count !== EVENTS) throw new Error(`restored ${count} events, expected ${EVENTS}`);

const mib = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MiB`;
console.log(
  `events ${EVENTS}; database ${mib(dbBytes)}; backup file ${mib(backup.bytes)} (${backup.manifest.files.length} files)`,
);
console.log(`backup  ${backupSeconds.toFixed(2)} s (target < 5 s: ${backupSeconds < 5 ? 'met' : 'NOT met'})`);
console.log(`restore ${restoreSeconds.toFixed(2)} s, verified: ${count} events`);
fs.rmSync(dir, { recursive: true, force: true });
