import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Code } from '@connectrpc/connect';
import { Decrypter, generateIdentity, identityToRecipient } from 'age-encryption';
import type S3rver from 's3rver';
import { durableS3rver } from '../test-support/durable-s3rver.js';
import { TriggerType } from '../gen/guardian/edge/v1/events_pb.js';
import { enrolledTestEdge } from '../test-support/edge.js';
import { testService } from '../test-support/service.js';
import { grpcError } from '../test-support/grpc.js';

const fixtures = new URL('../../test/fixtures/vtest-day/', import.meta.url);
const frame = (n: string) => fs.readFileSync(new URL(`frame-${n}.jpg`, fixtures));
const FRAMES = [frame('0001'), frame('0005')];

async function waitFor(check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const ownerIdentity = await generateIdentity();
const ownerRecipient = await identityToRecipient(ownerIdentity);
const decrypt = async (bytes: Uint8Array) => {
  const d = new Decrypter();
  d.addIdentity(ownerIdentity);
  return Buffer.from(await d.decrypt(bytes));
};
const fastJobs = { 'jobs.pollIntervalMs': 20, 'jobs.backoffBaseMs': 50, 'jobs.backoffMaxMs': 300 };
const event = (key: string, over: Record<string, unknown> = {}) => ({
  cameraId: 'front',
  eventKey: key,
  startedAtMs: BigInt(Date.now() - 5000),
  endedAtMs: BigInt(Date.now()),
  trigger: TriggerType.ANOMALY,
  edgeModelId: 'cae-front',
  edgeModelVersion: '1.2.0',
  edgeScore: 0.031,
  edgeThreshold: 0.02,
  edgeDetections: [{ className: 'person', score: 0.9, box: { x1: 10, y1: 20, x2: 60, y2: 200 } }],
  frames: FRAMES.map((image) => ({ image, capturedAtMs: BigInt(Date.now() - 4000) })),
  ...over,
});

describe('event ingest to the filesystem store', () => {
  let ctx: Awaited<ReturnType<typeof testService>>;
  let edge: Awaited<ReturnType<typeof enrolledTestEdge>>;
  before(async () => {
    ctx = await testService({ 'edgeApi.port': 0, 'archive.recipients': [ownerRecipient], ...fastJobs });
    await ctx.service.edges.start();
    ctx.service.jobs.runner.start();
    edge = await enrolledTestEdge(ctx.service, 'home', ['front']);
  });
  after(() => ctx.close());
  const auth = () => ({ authorization: `Bearer ${ctx.adminToken}` });

  it('accepts an event, archives frames encrypted to the owner, and only the owner can open them', async () => {
    const res = await edge.events.uploadEvent(event('evt-1'));
    assert.equal(res.created, true);
    await waitFor(async () =>
      (await ctx.service.events.query.get(res.eventId)).objects.every((o) => o.status === 'completed'),
    );
    const detail = await ctx.service.events.query.get(res.eventId);
    assert.deepEqual(detail.objects.map((o) => o.key).sort(), [
      `events/${res.eventId}/metadata.json`,
      `events/${res.eventId}/snapshot-0.jpg.age`,
      `events/${res.eventId}/snapshot-1.jpg.age`,
    ]);
    assert.equal(detail.objects[0]!.bucket, 'camera-front');
    const stored = await ctx.service.blobStore.get(
      'camera-front',
      `events/${res.eventId}/snapshot-1.jpg.age`,
    );
    const chunks: Buffer[] = [];
    for await (const c of stored.stream) chunks.push(c as Buffer);
    const ciphertext = Buffer.concat(chunks);
    assert.ok(ciphertext.subarray(0, 21).toString() === 'age-encryption.org/v1', 'stored as age ciphertext');
    assert.ok(!ciphertext.includes(FRAMES[1]!.subarray(100, 200)), 'no plaintext in the store');
    assert.deepEqual(await decrypt(ciphertext), FRAMES[1]);
    // The service holds no identity that could decrypt: nothing in its data dir looks like one.
    const files = fs.readdirSync(ctx.dataDir, { recursive: true }) as string[];
    for (const f of files) {
      const full = path.join(ctx.dataDir, f);
      if (fs.statSync(full).isFile())
        assert.ok(!fs.readFileSync(full).includes('AGE-SECRET-KEY'), `${f} holds no age identity`);
    }
    const metaRead = await ctx.service.blobStore.get('camera-front', `events/${res.eventId}/metadata.json`);
    const metaChunks: Buffer[] = [];
    for await (const c of metaRead.stream) metaChunks.push(c as Buffer);
    const meta = JSON.parse(Buffer.concat(metaChunks).toString('utf8'));
    assert.equal(meta.trigger, 'anomaly');
    assert.equal(meta.frames.length, 2);
  });

  it('returns the same event for a retried upload and stores nothing twice', async () => {
    const first = await edge.events.uploadEvent(event('evt-retry'));
    const again = await edge.events.uploadEvent(event('evt-retry'));
    assert.equal(again.eventId, first.eventId);
    assert.equal(again.created, false);
    const rows = await ctx.service.database.db
      .selectFrom('archive_objects')
      .select('id')
      .where('event_id', '=', first.eventId)
      .execute();
    assert.equal(rows.length, 3);
    assert.equal(
      (await ctx.service.events.query.list({ limit: 100 })).items.filter(
        (e) => e.edgeEventKey === 'evt-retry',
      ).length,
      1,
    );
  });

  it('refuses bad events with a clear error and stores nothing', async () => {
    const before = (await ctx.service.events.query.list({ limit: 500 })).items.length;
    const cases: [Record<string, unknown>, Code, RegExp][] = [
      [{ cameraId: 'not-mine' }, Code.PermissionDenied, /unknown/],
      [
        { frames: [{ image: Buffer.from('this is not a jpeg') }] },
        Code.InvalidArgument,
        /frame 0: not a decodable image/,
      ],
      [{ frames: [{ image: FRAMES[0]!.subarray(0, 20_000) }] }, Code.InvalidArgument, /frame 0: .*decode/],
      [{ frames: [] }, Code.InvalidArgument, /at least one frame/],
      [{ startedAtMs: BigInt(Date.now() + 3_600_000) }, Code.InvalidArgument, /future/],
      [{ startedAtMs: BigInt(Date.now() - 30 * 86_400_000) }, Code.InvalidArgument, /older than/],
      [{ trigger: TriggerType.UNSPECIFIED }, Code.InvalidArgument, /trigger/],
      [{ eventKey: 'bad key with spaces' }, Code.InvalidArgument, /event_key/],
    ];
    for (const [over, code, message] of cases) {
      const err = await grpcError(edge.events.uploadEvent(event(`bad-${Math.random()}`, over)));
      assert.equal(err.code, code, JSON.stringify(Object.keys(over)));
      assert.match(err.rawMessage, message);
    }
    assert.equal((await ctx.service.events.query.list({ limit: 500 })).items.length, before);
    const spool = path.join(ctx.dataDir, 'spool');
    const known = new Set(
      (await ctx.service.database.db.selectFrom('events').select('id').execute()).map((r) => r.id),
    );
    const files = fs.existsSync(spool)
      ? (fs.readdirSync(spool, { recursive: true }) as string[]).filter((f) => f.endsWith('.age'))
      : [];
    const orphans = files.filter((f) => !known.has(f.split(path.sep)[1]!));
    assert.deepEqual(orphans, [], 'no spool files of refused events');
  });

  it('serves snapshots by REST with ranges, ETag and 416', async () => {
    const { eventId } = await edge.events.uploadEvent(event('evt-range'));
    await waitFor(async () =>
      (await ctx.service.events.query.get(eventId)).objects.every((o) => o.status === 'completed'),
    );
    const url = `/api/v1/events/${eventId}/snapshots/0`;
    const whole = await ctx.service.http.inject({ method: 'GET', url, headers: auth() });
    assert.equal(whole.statusCode, 200);
    assert.equal(whole.headers['accept-ranges'], 'bytes');
    assert.deepEqual(await decrypt(whole.rawPayload), FRAMES[0]);
    const part = await ctx.service.http.inject({
      method: 'GET',
      url,
      headers: { ...auth(), range: 'bytes=10-109' },
    });
    assert.equal(part.statusCode, 206);
    assert.equal(part.headers['content-range'], `bytes 10-109/${whole.rawPayload.length}`);
    assert.deepEqual(part.rawPayload, whole.rawPayload.subarray(10, 110));
    const tail = await ctx.service.http.inject({
      method: 'GET',
      url,
      headers: { ...auth(), range: 'bytes=-50' },
    });
    assert.deepEqual(tail.rawPayload, whole.rawPayload.subarray(-50));
    const bad = await ctx.service.http.inject({
      method: 'GET',
      url,
      headers: { ...auth(), range: `bytes=${whole.rawPayload.length}-` },
    });
    assert.equal(bad.statusCode, 416);
    assert.equal(bad.headers['content-range'], `bytes */${whole.rawPayload.length}`);
    const cached = await ctx.service.http.inject({
      method: 'GET',
      url,
      headers: { ...auth(), 'if-none-match': whole.headers.etag as string },
    });
    assert.equal(cached.statusCode, 304);
    const list = await ctx.service.http.inject({
      method: 'GET',
      url: '/api/v1/events?cameras=front&triggers=anomaly&limit=2',
      headers: auth(),
    });
    assert.equal(list.json().items.length, 2);
    assert.ok(list.json().nextCursor);
    // Filter by finding (anomaly) type: only events the analysis marked with it.
    await ctx.service.database.db
      .insertInto('event_findings')
      .values({ id: 'f1', event_id: eventId, type: 'scene_change', score: 0.9, evidence: '{}' })
      .execute();
    const byFinding = await ctx.service.http.inject({
      method: 'GET',
      url: '/api/v1/events?findings=scene_change,new_object',
      headers: auth(),
    });
    assert.deepEqual(
      byFinding.json().items.map((e: { id: string }) => e.id),
      [eventId],
    );
    const none = await ctx.service.http.inject({
      method: 'GET',
      url: '/api/v1/events?findings=missing_object',
      headers: auth(),
    });
    assert.equal(none.json().items.length, 0);
    const next = await ctx.service.http.inject({
      method: 'GET',
      url: `/api/v1/events?cameras=front&limit=2&cursor=${list.json().nextCursor}`,
      headers: auth(),
    });
    assert.ok(next.json().items.every((e: { id: string }) => e.id < list.json().nextCursor));
  });

  it('refuses events while no owner recipient is configured', async () => {
    const bare = await testService({ 'edgeApi.port': 0 });
    try {
      await bare.service.edges.start();
      const other = await enrolledTestEdge(bare.service, 'bare', ['cam']);
      const err = await grpcError(other.events.uploadEvent(event('x', { cameraId: 'cam' })));
      assert.equal(err.code, Code.Unavailable);
      assert.match(err.rawMessage, /archive\.recipients/);
    } finally {
      await bare.close();
    }
  });
});

describe('event ingest when the S3 store is down, then back', () => {
  const s3dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uvm-s3-down-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  let s3: S3rver | undefined;
  let ctx: Awaited<ReturnType<typeof testService>>;
  before(async () => {
    ctx = await testService({
      'edgeApi.port': 0,
      'archive.recipients': [ownerRecipient],
      ...fastJobs,
      storage: {
        driver: 's3',
        s3: { endPoint: '127.0.0.1', port, useSsl: false, accessKey: 'S3RVER', secretKey: 'S3RVER' },
      },
    });
    await ctx.service.edges.start();
    ctx.service.jobs.runner.start();
  });
  after(async () => {
    await ctx.close();
    await s3?.close();
    fs.rmSync(s3dir, { recursive: true, force: true });
  });

  it('accepts every event while the store is down and archives all of them exactly once when it returns', async () => {
    const edge = await enrolledTestEdge(ctx.service, 'offline-site', ['yard']);
    const ids = [];
    for (let i = 0; i < 4; i++)
      ids.push((await edge.events.uploadEvent(event(`down-${i}`, { cameraId: 'yard' }))).eventId);
    await new Promise((r) => setTimeout(r, 400));
    const pending = await ctx.service.database.db
      .selectFrom('archive_objects')
      .select(['status'])
      .where('status', '!=', 'completed')
      .execute();
    assert.equal(pending.length, 12, 'all 12 objects wait in the spool');
    // Snapshots are served from the spool meanwhile.
    const early = await ctx.service.events.query.snapshot(ids[0]!, 0);
    const chunks: Buffer[] = [];
    for await (const c of early.stream) chunks.push(c as Buffer);
    assert.deepEqual(await decrypt(Buffer.concat(chunks)), FRAMES[0]);

    s3 = durableS3rver({ address: '127.0.0.1', port, silent: true, directory: s3dir });
    await s3.run();
    await waitFor(
      async () =>
        (
          await ctx.service.database.db
            .selectFrom('archive_objects')
            .select('status')
            .where('status', '!=', 'completed')
            .execute()
        ).length === 0,
      20_000,
    );
    const keys: string[] = [];
    for await (const o of ctx.service.blobStore.list('camera-yard', 'events/')) keys.push(o.key);
    assert.equal(keys.length, 12, 'every object archived once');
    assert.equal(new Set(keys).size, 12);
    const ranged = await ctx.service.events.query.snapshot(ids[3]!, 1, { start: 0, end: 20 });
    const head: Buffer[] = [];
    for await (const c of ranged.stream) head.push(c as Buffer);
    assert.equal(Buffer.concat(head).toString('latin1'), 'age-encryption.org/v1');
    const spooled = (fs.readdirSync(path.join(ctx.dataDir, 'spool'), { recursive: true }) as string[]).filter(
      (f) => f.endsWith('.age') || f.endsWith('.json'),
    );
    assert.deepEqual(spooled, [], 'the spool is emptied once archived');
  });
});
