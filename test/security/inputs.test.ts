// Hostile values and careless clients, each refused with the right
// code, nothing stored half-way, and nothing already stored made unreadable.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Code } from '@connectrpc/connect';
import type { InjectOptions } from 'fastify';
import { Encrypter, generateIdentity, identityToRecipient } from 'age-encryption';
import { clipUploadMessages } from '../../src/edge-client/clip-upload-messages.js';
import { TriggerType } from '../../src/gen/guardian/edge/v1/events_pb.js';
import { enrolledTestEdge } from '../../src/test-support/edge.js';
import { grpcError } from '../../src/test-support/grpc.js';
import { FRAMES, seededWorld } from './world.js';

let world: Awaited<ReturnType<typeof seededWorld>>;
before(async () => (world = await seededWorld()));
after(() => world.ctx.close());
const admin = () => ({ authorization: `Bearer ${world.ctx.adminToken}` });
const inject = (opts: InjectOptions) => world.ctx.service.http.inject(opts);
const event = (key: string, over: Record<string, unknown> = {}) => ({
  cameraId: 'cam-seed',
  eventKey: key,
  startedAtMs: BigInt(Date.now() - 5000),
  trigger: TriggerType.ANOMALY,
  frames: [{ image: FRAMES[0]! }],
  ...over,
});

describe('security: hostile values', () => {
  it('an event with an infinite or NaN score is refused, and the event list stays readable', async () => {
    for (const over of [
      { edgeModelId: 'm', edgeThreshold: Infinity, edgeScore: 0.5 },
      { edgeModelId: 'm', edgeScore: NaN, edgeThreshold: 0.1 },
      { edgeDetections: [{ className: 'person', score: -Infinity }] },
    ]) {
      const err = await grpcError(world.edge.events.uploadEvent(event(`inf-${Math.random()}`, over)));
      assert.equal(err.code, Code.InvalidArgument);
      assert.match(err.rawMessage, /finite number/);
    }
    const list = await inject({ url: '/api/v1/events', headers: admin() });
    assert.equal(list.statusCode, 200);
    for (const id of world.eventIds)
      assert.equal((await inject({ url: `/api/v1/events/${id}`, headers: admin() })).statusCode, 200);
  });

  it('64-bit values past what the service holds are INVALID_ARGUMENT, not INTERNAL', async () => {
    const cases: [string, () => Promise<unknown>][] = [
      ['endedAtMs 2^60', () => world.edge.events.uploadEvent(event('big-1', { endedAtMs: 2n ** 60n }))],
      [
        'capturedAtMs 2^63-1',
        () =>
          world.edge.events.uploadEvent(
            event('big-2', { frames: [{ image: FRAMES[0]!, capturedAtMs: 2n ** 63n - 1n }] }),
          ),
      ],
      ['heartbeat sentAtMs 2^63-1', () => world.edge.edge.heartbeat({ sentAtMs: 2n ** 63n - 1n })],
    ];
    for (const [what, call] of cases) {
      const err = await grpcError(call());
      assert.equal(err.code, Code.InvalidArgument, `${what}: ${err.rawMessage}`);
    }
  });

  it('telemetry with byte counts past 2^53 is refused', async () => {
    const edge = await enrolledTestEdge(world.ctx.service, 'telemetry-big', ['cam-tb']);
    const err = await grpcError(
      edge.telemetry.reportTelemetry({ atMs: BigInt(Date.now()), memoryUsedBytes: 2n ** 63n - 1n }),
    );
    assert.equal(err.code, Code.InvalidArgument, err.rawMessage);
  });

  it('a snapshot stream with a bad time keeps what came before it and leaves no orphan blob', async () => {
    const before = await world.ctx.service.ml.datasets.view(world.datasetId);
    const other = Buffer.from(FRAMES[1]!);
    other[other.length - 3] = other[other.length - 3]! ^ 0xff;
    const err = await grpcError(
      world.edge.datasets.uploadSnapshots(
        (async function* () {
          yield { cameraId: 'cam-seed', label: 'normal', image: other };
          yield { cameraId: 'cam-seed', label: 'normal', image: FRAMES[2]!, capturedAtMs: 2n ** 63n - 1n };
        })(),
      ),
    );
    assert.equal(err.code, Code.InvalidArgument);
    const after = await world.ctx.service.ml.datasets.view(world.datasetId);
    assert.equal(after.imageCount, before.imageCount + 1, 'the first snapshot is kept');
    const rows = await world.ctx.service.ml.datasets.snapshots(world.datasetId);
    const blobs = fs
      .readdirSync(path.join(world.ctx.dataDir, 'blobs'), { recursive: true })
      .filter(
        (f) =>
          String(f).includes(world.datasetId) &&
          String(f).includes('/objects/') &&
          /\.(jpg|png)$/.test(String(f)),
      );
    assert.equal(blobs.length, rows.length, 'one blob per snapshot row, no orphan');
  });

  it('REST: quota 2^63 or 1e309, limit=Infinity, days=1e400 answer 400', async () => {
    const quota = await inject({
      method: 'PUT',
      url: `/api/v1/datasets/${world.datasetId}/quota`,
      headers: { ...admin(), 'content-type': 'application/json' },
      payload: '{"quotaBytes": 9223372036854775808}',
    });
    assert.equal(quota.statusCode, 400, quota.body);
    const inf = await inject({
      method: 'PATCH',
      url: '/api/v1/cameras/cam-seed/storage',
      headers: { ...admin(), 'content-type': 'application/json' },
      payload: '{"quotaBytes": 1e309}',
    });
    assert.equal(inf.statusCode, 400, inf.body);
    const coerced = await inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: admin(),
      payload: { name: 'Infinity', role: 'viewer', expiresInDays: 'Infinity' },
    });
    assert.equal(coerced.statusCode, 400, 'a numeric field given as the string "Infinity"');
    for (const url of ['/api/v1/jobs?limit=Infinity', '/api/v1/cameras/cam-seed/quality?days=1e400']) {
      const res = await inject({ url, headers: admin() });
      assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
      assert.equal(res.json().error.code, 'validation_failed');
    }
  });
});

describe('security: authorisation and careless clients', () => {
  it('a viewer token cannot post feedback (it would create suppression rules)', async () => {
    const res = await inject({
      method: 'POST',
      url: `/api/v1/events/${world.eventIds[0]}/feedback`,
      headers: { authorization: `Bearer ${world.viewerToken}` },
      payload: { kind: 'false_positive' },
    });
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().error.code, 'forbidden');
  });

  it('a clip of an age header followed by plaintext is refused and nothing is kept', async () => {
    const plaintext = Buffer.concat([
      Buffer.from('age-encryption.org/v1\n-> X25519 abc\nAAAA\n--- ' + 'A'.repeat(43) + '\n'),
      Buffer.from('\0\0\0\x18ftypisom'),
      Buffer.alloc(20_000, 7),
    ]);
    const created = await world.edge.events.uploadEvent(event('clip-plain', { clipExpected: true }));
    const err = await grpcError(world.edge.events.uploadClip(clipUploadMessages(created.eventId, plaintext)));
    assert.equal(err.code, Code.InvalidArgument, err.rawMessage);
    assert.match(err.rawMessage, /not an age-encrypted file/);
    const status = await world.edge.events.queryClipUpload({ eventId: created.eventId });
    assert.equal(status.receivedBytes, 0n);
  });

  it('two concurrent uploads of the same clip: one stores it, the other is ABORTED, never INTERNAL', async () => {
    const e = new Encrypter();
    e.addRecipient(await identityToRecipient(await generateIdentity()));
    const clip = Buffer.from(await e.encrypt(Buffer.alloc(300_000, 3)));
    const created = await world.edge.events.uploadEvent(event('clip-race', { clipExpected: true }));
    const results = await Promise.allSettled([
      world.edge.events.uploadClip(clipUploadMessages(created.eventId, clip)),
      world.edge.events.uploadClip(clipUploadMessages(created.eventId, clip)),
    ]);
    const codes = results.map((r) => (r.status === 'fulfilled' ? 'ok' : Code[grpcCode(r.reason)]));
    assert.ok(codes.includes('ok'), codes.join());
    assert.ok(
      codes.every((c) => c === 'ok' || c === 'Aborted'),
      codes.join(),
    );
    const done = await world.edge.events.queryClipUpload({ eventId: created.eventId });
    assert.equal(done.complete, true);
  });

  it('an over-long path parameter (414) and over-large headers (431) answer in the JSON error format', async () => {
    const long = await inject({ url: `/api/v1/events/${'a'.repeat(500)}`, headers: admin() });
    assert.equal(long.statusCode, 414);
    assert.equal(long.json().error.code, 'uri_too_long');
    await world.ctx.service.http.listen({ port: 0, host: '127.0.0.1' });
    const { port } = world.ctx.service.http.server.address() as { port: number };
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({ port, path: '/healthz', headers: { 'x-big': 'x'.repeat(20_000) } }, (r) => {
        let body = '';
        r.on('data', (c: Buffer) => (body += c.toString()));
        r.on('end', () => resolve({ status: r.statusCode!, body }));
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(res.status, 431);
    assert.equal(JSON.parse(res.body).error.code, 'headers_too_large');
  });

  it('the database and the stored event metadata are readable by the owner only', async () => {
    const mode = (f: string) => fs.statSync(f).mode & 0o777;
    assert.equal(mode(path.join(world.ctx.dataDir, 'uservm.sqlite')), 0o600);
    const meta = fs
      .readdirSync(path.join(world.ctx.dataDir, 'blobs'), { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('metadata.json') && f.includes('/objects/'));
    assert.ok(meta.length > 0);
    for (const f of meta) assert.equal(mode(path.join(world.ctx.dataDir, 'blobs', f)), 0o600, f);
  });

  it('an unrestricted edge cannot claim a camera id reserved for another edge', async () => {
    await world.ctx.service.edges.bootstrapTokens.create({ name: 'garden', allowedCameras: ['garden-cam'] });
    const free = await enrolledTestEdge(world.ctx.service, 'unrestricted', []);
    const res = await free.edge.syncCapabilities({
      cameras: [{ cameraId: 'garden-cam', name: 'x', online: true, labelledSnapshotCounts: {} }],
    });
    assert.equal(res.cameras[0]!.allowed, false);
    assert.match(res.cameras[0]!.reason, /reserved for another edge/);
    assert.equal(await world.ctx.service.edges.cameraRepository.get('garden-cam'), undefined);
  });
});

function grpcCode(err: unknown): Code {
  return (err as { code?: Code }).code ?? Code.Unknown;
}
