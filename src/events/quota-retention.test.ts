import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { Code, ConnectError } from '@connectrpc/connect';
import { Encrypter, generateIdentity, identityToRecipient } from 'age-encryption';
import { TriggerType } from '../gen/guardian/edge/v1/events_pb.js';
import { enrolledTestEdge } from '../test-support/edge.js';
import { testService } from '../test-support/service.js';

const frame = fs.readFileSync(new URL('../../test/fixtures/vtest-day/frame-0009.jpg', import.meta.url));
const recipient = await identityToRecipient(await generateIdentity());
const enc = new Encrypter();
enc.addRecipient(recipient);
const clip = Buffer.from(await enc.encrypt(new Uint8Array(200_000)));

async function setup(overrides: Record<string, unknown> = {}) {
  const ctx = await testService({
    'edgeApi.port': 0,
    'archive.recipients': [recipient],
    'jobs.pollIntervalMs': 20,
    ...overrides,
  });
  await ctx.service.edges.start();
  ctx.service.jobs.runner.start();
  const edge = await enrolledTestEdge(ctx.service, 'site', ['cam']);
  const upload = async (key: string, ageMs = 1000) =>
    (
      await edge.events.uploadEvent({
        cameraId: 'cam',
        eventKey: key,
        startedAtMs: BigInt(Date.now() - ageMs),
        trigger: TriggerType.MOTION,
        frames: [{ image: frame }],
      })
    ).eventId;
  const inject = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    ctx.service.http.inject({
      method,
      url,
      headers: { authorization: `Bearer ${ctx.adminToken}` },
      ...(payload ? { payload } : {}),
    });
  const runJob = async (path: string): Promise<Record<string, number>> => {
    const job = (await inject('POST', path)).json();
    // A deadline, not a count of polls: on a loaded machine the job waits behind archiving.
    for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
      const view = await ctx.service.jobs.queue.get(job.id);
      if (view.status === 'succeeded') return view.result as Record<string, number>;
      if (view.status === 'dead') throw new Error(`job died: ${view.lastError}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('job did not finish');
  };
  const archived = async () => {
    for (let i = 0; i < 400; i++) {
      const rows = await ctx.service.database.db
        .selectFrom('archive_objects')
        .select('status')
        .where('status', '!=', 'completed')
        .execute();
      if (rows.length === 0) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('archive did not finish');
  };
  return { ctx, edge, upload, inject, runJob, archived };
}

describe('quotas', () => {
  let t: Awaited<ReturnType<typeof setup>>;
  before(async () => (t = await setup()));
  after(() => t.ctx.close());

  it('counts usage exactly, warns at 80%, and refuses a clip over quota while keeping the event', async () => {
    const eventId = await t.upload('q-1');
    const usage = (await t.inject('GET', '/api/v1/cameras/cam/storage')).json();
    const objects = await t.ctx.service.database.db
      .selectFrom('archive_objects')
      .select(['size'])
      .where('event_id', '=', eventId)
      .execute();
    assert.equal(
      usage.usedBytes,
      objects.reduce((n, o) => n + o.size, 0),
    );
    assert.equal(usage.objectCount, 2);
    assert.equal(usage.warning, false);

    const quota = Math.ceil(usage.usedBytes / 0.85);
    const set = await t.inject('PATCH', '/api/v1/cameras/cam/storage', {
      quotaBytes: quota,
      retentionDays: 10,
    });
    assert.equal(set.json().warning, true, 'over 80% now');
    assert.equal(set.json().retentionDays, 10);
    const metrics = (await t.inject('GET', '/metrics')).body;
    assert.match(metrics, new RegExp(`uservm_camera_storage_quota_bytes\\{camera="cam"\\} ${quota}`));

    const err = await t.edge.events
      .uploadClip(
        (async function* () {
          yield {
            part: {
              case: 'header' as const,
              value: {
                eventId,
                size: BigInt(clip.length),
                sha256: createHash('sha256').update(clip).digest('hex'),
                offset: 0n,
              },
            },
          };
          yield { part: { case: 'chunk' as const, value: clip } };
        })(),
      )
      .then(
        () => undefined,
        (e) => ConnectError.from(e),
      );
    assert.equal(err?.code, Code.ResourceExhausted);
    assert.match(err!.rawMessage, /quota/);
    assert.equal((await t.ctx.service.events.query.get(eventId)).id, eventId, 'the event is kept');
    const bad = await t.inject('PATCH', '/api/v1/cameras/cam/storage', { quotaBytes: -5 });
    assert.equal(bad.statusCode, 400);
  });

  it('reconciliation recomputes usage from what the bucket holds', async () => {
    await t.archived();
    await t.ctx.service.database.db
      .updateTable('storage_usage')
      .set({ used_bytes: 1, object_count: 99 })
      .where('camera_id', '=', 'cam')
      .execute();
    await t.runJob('/api/v1/storage/reconcile');
    let bytes = 0;
    let count = 0;
    for await (const o of t.ctx.service.blobStore.list('camera-cam', 'events/')) {
      bytes += o.size;
      count++;
    }
    const usage = (await t.inject('GET', '/api/v1/cameras/cam/storage')).json();
    assert.deepEqual([usage.usedBytes, usage.objectCount], [bytes, count]);
    assert.ok(usage.reconciledAt);
  });
});

describe('retention', () => {
  it("deletes events past the camera's retention period, objects included", async () => {
    const t = await setup();
    try {
      await t.inject('PATCH', '/api/v1/cameras/cam/storage', { retentionDays: 1 });
      const old = await t.upload('old', 2 * 86_400_000);
      const fresh = await t.upload('fresh');
      await t.archived();
      const result = await t.runJob('/api/v1/storage/retention');
      assert.equal(result.byAge!, 1);
      await assert.rejects(t.ctx.service.events.query.get(old), /does not exist/);
      assert.equal((await t.ctx.service.events.query.get(fresh)).id, fresh);
      const keys: string[] = [];
      for await (const o of t.ctx.service.blobStore.list('camera-cam', 'events/')) keys.push(o.key);
      assert.ok(
        keys.every((k) => !k.includes(old)),
        'objects of the deleted event are gone from the store',
      );
      const usage = (await t.inject('GET', '/api/v1/cameras/cam/storage')).json();
      assert.equal(usage.objectCount, keys.length);
    } finally {
      await t.ctx.close();
    }
  });

  it('deletes the oldest events first when the archive is over its total size', async () => {
    const t = await setup({ 'archive.maxTotalBytes': 250_000 });
    try {
      const ids = [];
      for (let i = 0; i < 4; i++) ids.push(await t.upload(`size-${i}`, (10 - i) * 60_000));
      await t.archived();
      const result = await t.runJob('/api/v1/storage/retention');
      assert.ok(result.bySize! >= 1);
      const remaining = (await t.ctx.service.events.query.list({ limit: 10 })).items.map((e) => e.id).sort();
      assert.deepEqual(remaining, ids.slice(result.bySize!).sort(), 'the oldest went first');
      const overview = (await t.inject('GET', '/api/v1/storage')).json();
      assert.ok(overview.totalUsedBytes <= 250_000);
      assert.equal(overview.maxTotalBytes, 250_000);
    } finally {
      await t.ctx.close();
    }
  });
});
