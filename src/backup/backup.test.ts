/**
 * Backup and restore round trip on a real service: the restored install has the same CA and
 * WireGuard key, the same edge can still call it with its certificate, and the spooled event files
 * follow the new data directory and reach the object store. A damaged backup changes nothing, and
 * an upgrade of an existing database is preceded by an automatic backup.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, it } from 'node:test';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { composeService } from '../app/compose.js';
import { loadConfig } from '../config/load.js';
import { openDatabase } from '../db/database.js';
import { migrate } from '../db/migrator.js';
import { MIGRATIONS } from '../db/migrations/index.js';
import { edgeClient, edgeTransport } from '../edge-client/transport.js';
import { EdgeService } from '../gen/guardian/edge/v1/edge_pb.js';
import { TriggerType } from '../gen/guardian/edge/v1/events_pb.js';
import { enrolledTestEdge } from '../test-support/edge.js';
import { closeTestService, testService } from '../test-support/service.js';
import { silentLogger } from '../test-support/silent-logger.js';
import { createBackup } from './create-backup.js';
import { restoreBackup } from './restore-backup.js';
import { parseManifest } from './manifest.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'uvm-backup-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
const frame = fs.readFileSync(path.resolve('test/fixtures/vtest-day/frame-0005.jpg'));
const readEntries = (file: string) =>
  new Promise<Map<string, Buffer>>((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const out = new Map<string, Buffer>();
      zip.on('end', () => resolve(out));
      zip.on('entry', (entry: yauzl.Entry) =>
        zip.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            out.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        }),
      );
      zip.readEntry();
    }),
  );
const configFor = (dataDir: string) =>
  loadConfig({ env: {}, overrides: { dataDir, 'log.level': 'silent', 'edgeApi.port': 0 } });

it('restores an install on an empty data directory, and the same edge can still call it', async () => {
  const recipient = await identityToRecipient(await generateIdentity());
  const svc = await testService({ 'edgeApi.port': 0, 'archive.recipients': [recipient] });
  await svc.service.edges.start();
  const edge = await enrolledTestEdge(svc.service, 'backup-edge', ['gate']);
  // The job runner is not started: the event's files stay in the spool, waiting for the store.
  await edge.events.uploadEvent({
    cameraId: 'gate',
    eventKey: 'before-backup',
    startedAtMs: BigInt(Date.now() - 1000),
    trigger: TriggerType.ANOMALY,
    frames: [{ image: frame }],
  });
  const caPem = svc.service.edges.ca.certPem;
  const wgKey = fs.readFileSync(path.join(svc.dataDir, 'wireguard/server.key'), 'utf8');
  const file = path.join(tmp, 'install.zip');
  const backup = await createBackup(svc.service.config, file);
  assert.equal((fs.statSync(file).mode & 0o777).toString(8), '600');
  assert.ok(backup.manifest.files.some((f) => f.name === 'pki/ca.key'));
  assert.ok(backup.manifest.files.some((f) => f.name === 'keys/pending-frames.key'));
  assert.ok(backup.manifest.files.filter((f) => f.name.startsWith('spool/')).length >= 2);
  assert.deepEqual(
    backup.manifest.migrations,
    MIGRATIONS.map((m) => m.id),
  );
  await svc.close();

  const dataDir = path.join(tmp, 'restored');
  const config = configFor(dataDir);
  const restored = await restoreBackup(config, file);
  assert.ok(restored.spoolPathsMoved >= 2, 'spool paths follow the new data directory');
  assert.equal(fs.readFileSync(path.join(dataDir, 'wireguard/server.key'), 'utf8'), wgKey);
  await assert.rejects(restoreBackup(config, file), /exists: restore goes into an empty data directory/);

  const service = await composeService(config, silentLogger, { onInitialAdminToken: () => undefined });
  try {
    await service.edges.start();
    assert.equal(service.edges.ca.certPem, caPem, 'the same CA, not a new one');
    const transport = edgeTransport({
      endpoint: `127.0.0.1:${service.edges.grpcAddress!.port}`,
      caPem,
      ...edge.credentials,
    });
    await edgeClient(EdgeService, transport).syncCapabilities({
      cameras: [{ cameraId: 'gate', name: 'gate', online: true, labelledSnapshotCounts: {} }],
    });
    service.jobs.runner.start();
    const deadline = Date.now() + 20_000;
    for (;;) {
      const counts = await service.events.repository.countObjectsByStatus();
      const left = counts.filter((c) => c.status !== 'completed').reduce((n, c) => n + Number(c.count), 0);
      if (left === 0 && counts.length > 0) break;
      if (Date.now() > deadline) assert.fail(`archive objects left: ${JSON.stringify(counts)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await closeTestService(service);
  }
});

it('refuses a damaged backup and changes nothing', async () => {
  const svc = await testService();
  const file = path.join(tmp, 'damaged.zip');
  await createBackup(svc.service.config, file);
  await svc.close();
  // The same backup with the CA key swapped: its manifest no longer matches.
  const entries = await readEntries(file);
  const repacked = new yazl.ZipFile();
  for (const [name, data] of entries)
    repacked.addBuffer(name === 'pki/ca.key' ? Buffer.from('not the key') : data, name);
  repacked.end();
  await pipeline(repacked.outputStream, fs.createWriteStream(file));
  const dataDir = path.join(tmp, 'untouched');
  await assert.rejects(restoreBackup(configFor(dataDir), file), /damaged|manifest|readable/);
  assert.deepEqual(fs.readdirSync(dataDir), []);
});

it('backs the install up automatically before migrations upgrade an existing database', async () => {
  const dataDir = path.join(tmp, 'upgrade');
  const config = configFor(dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  const old = openDatabase({ path: path.join(dataDir, 'uservm.sqlite'), busyTimeoutMs: 1000 });
  migrate(old.sqlite, MIGRATIONS.slice(0, -1));
  await old.close();
  const service = await composeService(config, silentLogger, { onInitialAdminToken: () => undefined });
  await service.database.close();
  const backups = fs.readdirSync(path.join(dataDir, 'backups'));
  assert.equal(backups.length, 1);
  assert.match(backups[0]!, new RegExp(`^before-${MIGRATIONS.at(-1)!.id}-`));
  const manifest = (await readEntries(path.join(dataDir, 'backups', backups[0]!))).get('manifest.json')!;
  assert.deepEqual(
    parseManifest(manifest.toString()).migrations,
    MIGRATIONS.slice(0, -1).map((m) => m.id),
  );
});
