import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InjectOptions } from 'fastify';
import { createEdgeKeyMaterial } from '../edge-client/credentials.js';
import { testService } from '../test-support/service.js';

let ctx: Awaited<ReturnType<typeof testService>>;
let viewer = '';
const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const inject = (opts: InjectOptions) => ctx.service.http.inject(opts);

before(async () => {
  ctx = await testService({ 'cameras.minNormalSnapshots': 2 });
  viewer = (await ctx.service.tokens.create({ name: 'viewer', role: 'viewer' })).token;
});
after(() => ctx.close());

async function enrolledEdge(name: string, bootstrapToken: string) {
  const keys = await createEdgeKeyMaterial(name);
  return ctx.service.edges.enrollment.enroll({
    bootstrapToken,
    edgeName: name,
    wireguardPublicKey: keys.wireguard.publicKey,
    csrPem: keys.csrPem,
    softwareVersion: '2.1.0',
  });
}

describe('REST: bootstrap tokens, edges, cameras', () => {
  it('creates a bootstrap token (admin only), returned once with the CA to trust', async () => {
    const refused = await inject({
      method: 'POST',
      url: '/api/v1/bootstrap-tokens',
      headers: auth(viewer),
      payload: { name: 'x' },
    });
    assert.equal(refused.statusCode, 403);
    const res = await inject({
      method: 'POST',
      url: '/api/v1/bootstrap-tokens',
      headers: auth(ctx.adminToken),
      payload: { name: 'home', maxUses: 2, allowedCameras: ['cam-1'] },
    });
    assert.equal(res.statusCode, 201);
    const body = res.json();
    assert.match(body.token, /^uvmb_/);
    assert.match(body.caCertificatePem, /BEGIN CERTIFICATE/);
    assert.equal(body.state, 'active');
    assert.deepEqual(body.allowedCameras, ['cam-1']);
    const list = await inject({
      method: 'GET',
      url: '/api/v1/bootstrap-tokens',
      headers: auth(ctx.adminToken),
    });
    assert.ok(!list.body.includes(body.token.slice(16)), 'the secret is never listed');
    const bad = await inject({
      method: 'POST',
      url: '/api/v1/bootstrap-tokens',
      headers: auth(ctx.adminToken),
      payload: { name: 'x', allowedCameras: ['../evil'] },
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.code, 'validation_failed');
  });

  it('lists edges with their cameras, shows dataset status, revokes and deletes', async () => {
    const { token } = await ctx.service.edges.bootstrapTokens.create({ name: 'site' });
    const enrolled = await enrolledEdge('site-1', token);
    const identity = await ctx.service.edges.identity.resolve({
      authorized: true,
      fingerprint: (
        await ctx.service.database.db
          .selectFrom('edges')
          .select('cert_fingerprint')
          .where('id', '=', enrolled.edgeId)
          .executeTakeFirstOrThrow()
      ).cert_fingerprint,
      remoteAddress: '127.0.0.1',
    });
    await ctx.service.edges.registry.heartbeat(identity, {
      sentAtMs: Date.now(),
      lastRttMs: 3.5,
      softwareVersion: '2.1.0',
    });
    await ctx.service.edges.cameras.syncCapabilities(identity, {
      softwareVersion: '2.1.0',
      runtime: { runtimes: ['onnxruntime'] },
      cameras: [
        {
          cameraId: 'porch',
          name: 'Porch',
          kind: 'rtsp',
          width: 1280,
          height: 720,
          fps: 10,
          online: true,
          labelledSnapshotCounts: { normal: 1 },
        },
      ],
    });

    const edges = await inject({ method: 'GET', url: '/api/v1/edges', headers: auth(viewer) });
    assert.equal(edges.statusCode, 200);
    const edge = edges.json().items.find((e: { id: string }) => e.id === enrolled.edgeId);
    assert.equal(edge.online, true);
    assert.equal(edge.lastRttMs, 3.5);
    assert.equal(edge.wireguard.address, enrolled.wireguard.edgeAddress.replace('/32', ''));
    assert.equal(edge.cameras[0].id, 'porch');
    assert.equal(edge.cameras[0].readiness, 'needs_snapshots');

    const cams = await inject({
      method: 'GET',
      url: '/api/v1/cameras?readiness=needs_snapshots',
      headers: auth(viewer),
    });
    assert.deepEqual(
      cams.json().items.map((c: { id: string }) => c.id),
      ['porch'],
    );
    const dataset = await inject({
      method: 'GET',
      url: '/api/v1/cameras/porch/dataset',
      headers: auth(viewer),
    });
    assert.deepEqual(dataset.json(), {
      cameraId: 'porch',
      readiness: 'needs_snapshots',
      minNormalSnapshots: 2,
      normalSnapshotsMissing: 1,
      reportedByEdge: { normal: 1 },
    });
    assert.equal(
      (await inject({ method: 'GET', url: '/api/v1/cameras/nope/dataset', headers: auth(viewer) }))
        .statusCode,
      404,
    );

    assert.equal(
      (
        await inject({
          method: 'POST',
          url: `/api/v1/edges/${enrolled.edgeId}/revoke`,
          headers: auth(viewer),
          payload: {},
        })
      ).statusCode,
      403,
    );
    const stillActive = await inject({
      method: 'DELETE',
      url: `/api/v1/edges/${enrolled.edgeId}`,
      headers: auth(ctx.adminToken),
    });
    assert.equal(stillActive.statusCode, 409);
    const revoked = await inject({
      method: 'POST',
      url: `/api/v1/edges/${enrolled.edgeId}/revoke`,
      headers: auth(ctx.adminToken),
      payload: { reason: 'moved out' },
    });
    assert.equal(revoked.json().status, 'revoked');
    assert.equal(revoked.json().revokedReason, 'moved out');
    assert.equal(revoked.json().online, false);
    const deleted = await inject({
      method: 'DELETE',
      url: `/api/v1/edges/${enrolled.edgeId}`,
      headers: auth(ctx.adminToken),
    });
    assert.equal(deleted.statusCode, 204);
    assert.equal(
      (await inject({ method: 'GET', url: `/api/v1/edges/${enrolled.edgeId}`, headers: auth(viewer) }))
        .statusCode,
      404,
    );
    assert.equal(
      (await inject({ method: 'GET', url: '/api/v1/cameras', headers: auth(viewer) })).json().items.length,
      0,
      'its cameras went with it',
    );
  });
});
