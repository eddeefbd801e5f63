/**
 * A process kill during ingest loses no acknowledged event: the service runs as a child process,
 * edges upload events concurrently, the service is SIGKILLed at a random point of the burst and
 * restarted on the same data directory, several times. Every event the edges got an
 * acknowledgement for must exist with all its objects, the archive must complete, and every one
 * must get its analysis report (frames waiting for analysis are on disk, so none is lost).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { createEdgeKeyMaterial } from '../src/edge-client/credentials.js';
import { edgeClient, edgeTransport } from '../src/edge-client/transport.js';
import { openDatabase } from '../src/db/database.js';
import { EdgeService } from '../src/gen/guardian/edge/v1/edge_pb.js';
import { EnrollmentService } from '../src/gen/guardian/edge/v1/enrollment_pb.js';
import { EventService, TriggerType } from '../src/gen/guardian/edge/v1/events_pb.js';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const tsx = path.join(root, 'node_modules/tsx/dist/esm/index.mjs');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uvm-crash-'));
const grpcPort = 21000 + Math.floor(Math.random() * 10000);
const frame = fs.readFileSync(path.join(root, 'test/fixtures/vtest-day/frame-0005.jpg'));
const config = path.join(dir, 'config.yaml');
let child: ChildProcess | undefined;

after(() => {
  child?.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

async function startService(): Promise<ChildProcess> {
  const proc = spawn(
    process.execPath,
    ['--import', tsx, path.join(root, 'src/cli/main.ts'), '--config', config, 'serve'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, UVM_LOG__LEVEL: 'info' },
    },
  );
  let log = '';
  proc.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const deadline = Date.now() + 30_000;
  // Ready for a burst once it serves edges and its detector has loaded (analyses then progress
  // between kills, as they would between real crashes).
  while (!/edge gRPC API listening/.test(log) || !/detector loaded/.test(log)) {
    if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`service did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return proc;
}

it('loses no acknowledged event or its analysis when the service is killed during ingest', async (t) => {
  const recipient = await identityToRecipient(await generateIdentity());
  fs.writeFileSync(
    config,
    `dataDir: ${dir}/data\nserver: { port: ${grpcPort + 1} }\nedgeApi: { port: ${grpcPort} }\narchive: { recipients: ["${recipient}"] }\njobs: { pollIntervalMs: 20, leaseMs: 2000, concurrency: 2 }\nvision: { smallObjectSide: 0, workers: 1 }\n`,
  );
  const issued = JSON.parse(
    execFileSync(
      process.execPath,
      [
        '--import',
        tsx,
        path.join(root, 'src/cli/main.ts'),
        '--config',
        config,
        'bootstrap-token',
        'create',
        '--name',
        'crash',
        '--json',
      ],
      { encoding: 'utf8' },
    ),
  ) as { token: string; caCertificatePem: string };
  child = await startService();
  const endpoint = `127.0.0.1:${grpcPort}`;
  const keys = await createEdgeKeyMaterial('crash-edge');
  const enrolled = await edgeClient(
    EnrollmentService,
    edgeTransport({ endpoint, caPem: issued.caCertificatePem }),
  ).enroll({
    bootstrapToken: issued.token,
    edgeName: 'crash-edge',
    wireguardPublicKey: keys.wireguard.publicKey,
    csrPem: keys.csrPem,
  });
  const transport = () =>
    edgeTransport({
      endpoint,
      caPem: issued.caCertificatePem,
      certPem: enrolled.certificatePem,
      keyPem: keys.tlsKeyPem,
    });
  await edgeClient(EdgeService, transport()).syncCapabilities({
    cameras: [{ cameraId: 'gate', name: 'gate', online: true, labelledSnapshotCounts: {} }],
  });

  // Several kills, each at a random point of an upload burst (and, after the first, while the
  // restarted service is still analysing what it resumed).
  const acknowledged = new Map<string, string>();
  const rounds = Number(process.env.UVMTEST_CRASH_ROUNDS ?? 3);
  let waitingAtKill = 0;
  for (let round = 0; round < rounds; round++) {
    const events = edgeClient(EventService, transport());
    const before = acknowledged.size;
    const killAfter = before + 3 + Math.floor(Math.random() * 28);
    let sent = 0;
    const uploaders = Array.from({ length: 4 }, async (_, w) => {
      for (let i = 0; ; i++) {
        const key = `r${round}-w${w}-e${i}`;
        sent++;
        try {
          const res = await events.uploadEvent({
            cameraId: 'gate',
            eventKey: key,
            startedAtMs: BigInt(Date.now() - 1000),
            trigger: TriggerType.ANOMALY,
            frames: [{ image: frame }, { image: frame }],
          });
          acknowledged.set(key, res.eventId);
        } catch {
          return; // the service died under us
        }
      }
    });
    while (acknowledged.size < killAfter) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGKILL');
    await Promise.all(uploaders);
    await new Promise((r) => child!.once('exit', r));
    assert.ok(sent > acknowledged.size - before, 'some uploads were in flight when the process died');
    waitingAtKill += fs.readdirSync(path.join(dir, 'data/analysis-pending')).length;
    child = await startService();
  }

  const { db, close } = openDatabase({ path: path.join(dir, 'data/uservm.sqlite'), busyTimeoutMs: 5000 });
  try {
    for (const [key, id] of acknowledged) {
      const row = await db
        .selectFrom('events')
        .select(['id', 'frame_count'])
        .where('edge_event_key', '=', key)
        .executeTakeFirst();
      assert.equal(row?.id, id, `acknowledged event ${key} survived`);
      const objects = await db
        .selectFrom('archive_objects')
        .select('key')
        .where('event_id', '=', id)
        .execute();
      assert.equal(objects.length, 3, `${key}: two snapshots and metadata`);
    }
    // A retry of an acknowledged event after the restart is recognised, not stored again.
    const [firstKey, firstId] = [...acknowledged][0]!;
    const retry = await edgeClient(EventService, transport()).uploadEvent({
      cameraId: 'gate',
      eventKey: firstKey,
      startedAtMs: BigInt(Date.now() - 1000),
      trigger: TriggerType.ANOMALY,
      frames: [{ image: frame }],
    });
    assert.equal(retry.eventId, firstId);
    assert.equal(retry.created, false);
    // The archive finishes after the restart: every object of every stored event reaches the store.
    // Archive jobs share the runners with the analyses the kills left behind.
    const deadline = Date.now() + 180_000;
    for (;;) {
      const left = await db
        .selectFrom('archive_objects')
        .select('id')
        .where('status', '!=', 'completed')
        .execute();
      if (left.length === 0) break;
      if (Date.now() > deadline) assert.fail(`${left.length} objects never archived`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // Every acknowledged event gets its report: none failed, none left waiting, no frames left over.
    const analysisDeadline = Date.now() + 180_000;
    for (;;) {
      const rows = await db
        .selectFrom('events')
        .select(['edge_event_key', 'analysis_status', 'analysis_error', 'report'])
        .execute();
      const failed = rows.filter((r) => r.analysis_status === 'failed');
      assert.deepEqual(failed, [], 'no acknowledged event failed its analysis');
      const waiting = rows.filter((r) => r.analysis_status !== 'analyzed');
      if (waiting.length === 0) {
        assert.ok(rows.every((r) => r.report !== null));
        break;
      }
      if (Date.now() > analysisDeadline) assert.fail(`${waiting.length} events never analysed`);
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.deepEqual(fs.readdirSync(path.join(dir, 'data/analysis-pending')), []);
    assert.ok(waitingAtKill > 0, 'the kills interrupted events waiting for analysis');
    const summary = `${rounds} kills; ${acknowledged.size} acknowledged events, 0 lost, 0 without a report; ${waitingAtKill} events waiting for analysis at the kills (summed)`;
    t.diagnostic(summary);
    if (process.env.UVMTEST_CRASH_ROUNDS) console.log(summary);
    const key = fs.readFileSync(path.join(dir, 'data/keys/pending-frames.key'), 'utf8').trim();
    assert.equal(Buffer.from(key, 'base64').length, 32);
    const stored = await db.selectFrom('archive_objects').select(['key', 'size']).execute();
    for (const o of stored) {
      const file = path.join(dir, 'data/blobs/camera-gate/objects', o.key);
      assert.equal(fs.statSync(file).size, o.size, `${o.key} archived whole`);
    }
  } finally {
    await close();
    child.kill('SIGTERM');
    await new Promise((r) => child!.once('exit', r));
  }
});
