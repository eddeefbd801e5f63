import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { createEdgeKeyMaterial } from '../edge-client/credentials.js';
import { testService } from '../test-support/service.js';
import type { EdgeIdentity } from '../edges/edge-identity.js';

let ctx: Awaited<ReturnType<typeof testService>>;
let identity: EdgeIdentity;
before(async () => {
  ctx = await testService();
  const { token } = await ctx.service.edges.bootstrapTokens.create({ name: 'h' });
  const keys = await createEdgeKeyMaterial('health-edge');
  const res = await ctx.service.edges.enrollment.enroll({
    bootstrapToken: token,
    edgeName: 'health-edge',
    wireguardPublicKey: keys.wireguard.publicKey,
    csrPem: keys.csrPem,
    softwareVersion: '1',
  });
  const fp = (
    await ctx.service.database.db
      .selectFrom('edges')
      .select('cert_fingerprint')
      .where('id', '=', res.edgeId)
      .executeTakeFirstOrThrow()
  ).cert_fingerprint;
  identity = await ctx.service.edges.identity.resolve({
    authorized: true,
    fingerprint: fp,
    remoteAddress: '127.0.0.1',
  });
});
after(() => ctx.close());

const telemetry = (over: { disk?: number; cameraOnline?: boolean } = {}) =>
  ctx.service.telemetry.report(identity, {
    at: Date.now(),
    cpuPercent: 10,
    memoryUsedBytes: 1,
    memoryTotalBytes: 2,
    diskUsedBytes: Math.round((over.disk ?? 0.5) * 1000),
    diskTotalBytes: 1000,
    networkRxBytes: 0,
    networkTxBytes: 0,
    temperaturesC: {},
    eventQueueLength: 0,
    softwareVersion: '1',
    cameras: [
      {
        cameraId: 'door',
        online: over.cameraOnline ?? true,
        fps: 10,
        lastFrameAt: Date.now(),
        inferenceLatencyMs: 5,
        triggerRatePerHour: 1,
        modelVersion: '',
      },
    ],
  });
const evaluate = () => ctx.service.health.evaluate();
const edgeOf = (tree: Awaited<ReturnType<typeof evaluate>>) =>
  tree.edges.find((e) => e.id === identity.edgeId)!;
const codes = (s: { reasons: { code: string }[] }) => s.reasons.map((r) => r.code);

it('raises and clears each health reason, and records the transitions', async () => {
  let tree = await evaluate();
  assert.deepEqual(codes(edgeOf(tree)), ['offline'], 'never sent a heartbeat');
  assert.equal(tree.status, 'unhealthy');

  await ctx.service.edges.registry.heartbeat(identity, {
    sentAtMs: Date.now(),
    lastRttMs: 1,
    softwareVersion: '1',
  });
  await ctx.service.edges.cameras.syncCapabilities(identity, {
    softwareVersion: '1',
    runtime: null,
    cameras: [
      {
        cameraId: 'door',
        name: 'door',
        kind: 'usb',
        width: 0,
        height: 0,
        fps: 0,
        online: true,
        labelledSnapshotCounts: {},
      },
    ],
  });
  await telemetry();
  tree = await evaluate();
  assert.equal(edgeOf(tree).status, 'healthy');
  assert.equal(tree.status, 'healthy');

  await telemetry({ disk: 0.95, cameraOnline: false });
  tree = await evaluate();
  assert.deepEqual(codes(edgeOf(tree)), ['disk_almost_full']);
  assert.equal(edgeOf(tree).status, 'degraded');
  assert.deepEqual(codes(edgeOf(tree).cameras[0]!), ['camera_down']);
  assert.equal(tree.status, 'unhealthy', 'the worst subject decides');

  // Archive trouble and quota on the camera.
  const now = Date.now();
  await ctx.service.database.db
    .insertInto('archive_objects')
    .values({
      id: 'a1',
      event_id: null,
      camera_id: 'door',
      kind: 'snapshot',
      bucket: 'camera-door',
      key: 'x',
      size: 900,
      sha256: 'x',
      status: 'failed',
      spool_path: null,
      error: 'boom',
      created_at: now,
      updated_at: now,
    })
    .execute();
  await ctx.service.database.db
    .insertInto('storage_usage')
    .values({ camera_id: 'door', used_bytes: 900, object_count: 1 })
    .execute();
  await ctx.service.events.quotas.setPolicy('door', { quotaBytes: 1000 });
  await telemetry({ disk: 0.5, cameraOnline: true });
  tree = await evaluate();
  assert.deepEqual(codes(edgeOf(tree)), [], 'disk cleared');
  assert.deepEqual(
    codes(edgeOf(tree).cameras[0]!).sort(),
    ['archive_failing', 'storage_quota'],
    'camera back up; archive and quota raised',
  );

  await ctx.service.database.db
    .updateTable('archive_objects')
    .set({ status: 'completed' })
    .where('id', '=', 'a1')
    .execute();
  await ctx.service.events.quotas.setPolicy('door', { quotaBytes: 1_000_000 });
  tree = await evaluate();
  assert.equal(edgeOf(tree).cameras[0]!.status, 'healthy', 'everything cleared');

  const res = await ctx.service.http.inject({
    method: 'GET',
    url: `/api/v1/health/transitions?subject=camera:door`,
    headers: { authorization: `Bearer ${ctx.adminToken}` },
  });
  const statuses = res.json().items.map((t: { status: string }) => t.status);
  assert.deepEqual(
    statuses,
    ['healthy', 'degraded', 'unhealthy', 'healthy'],
    'newest first: each change recorded once',
  );
  const api = await ctx.service.http.inject({
    method: 'GET',
    url: '/api/v1/health',
    headers: { authorization: `Bearer ${ctx.adminToken}` },
  });
  assert.equal(api.statusCode, 200);
  assert.equal(api.json().status, 'healthy');
});
