import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ModelState } from '../gen/guardian/edge/v1/models_pb.js';
import { testService } from '../test-support/service.js';
import { enrolledTestEdge } from '../test-support/edge.js';
import { registerTestModel } from '../test-support/models.js';

type Edge = Awaited<ReturnType<typeof enrolledTestEdge>>;
const CAMERAS = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'];
const caps = (maxOpset: number) => ({
  runtimes: ['onnxruntime'],
  maxOpset,
  maxModelBytes: 64n * 1024n * 1024n,
  inputSizes: ['32x32', '64x64'],
  hardware: 'test',
});

/** Downloads a model over gRPC from `offset`, stopping after `maxChunks` chunks (a dropped stream). */
async function download(edge: Edge, modelId: string, offset = 0, maxChunks = Infinity) {
  const chunks: Buffer[] = [];
  let meta = { total: 0, sha256: '' };
  let n = 0;
  for await (const m of edge.models.downloadModel({ modelId, offset: BigInt(offset) })) {
    assert.equal(
      Number(m.offset),
      offset + chunks.reduce((a, c) => a + c.length, 0),
      'chunks arrive in order with their offset',
    );
    chunks.push(Buffer.from(m.chunk));
    meta = { total: Number(m.totalSize), sha256: m.sha256 };
    if (++n >= maxChunks) break;
  }
  return { bytes: Buffer.concat(chunks), ...meta };
}

describe('model catalog and distribution to a simulated edge over mTLS gRPC', () => {
  let svc: Awaited<ReturnType<typeof testService>>;
  let edge: Edge;
  let old: Edge;
  const models: Record<string, string> = {};
  const auth = () => ({ authorization: `Bearer ${svc.adminToken}` });
  const deploy = async (body: Record<string, unknown>) => {
    const res = await svc.service.http.inject({
      method: 'POST',
      url: '/api/v1/deployments',
      headers: auth(),
      payload: body,
    });
    assert.equal(res.statusCode, 201, res.body);
    return res.json();
  };
  const assignment = async (cameraId: string) =>
    (await edge.models.listAssignments({})).assignments.find((a) => a.cameraId === cameraId);
  const report = (
    a: { cameraId: string; modelId: string; deploymentId: string },
    state: ModelState,
    extra: Record<string, unknown> = {},
  ) =>
    edge.models.reportModelStatus({ ...a, state, triggerRatePerHour: 1, inferenceLatencyMs: 15, ...extra });
  /** What a well-behaved edge does with its assignment: download, verify, activate. */
  async function activate(cameraId: string, health: { triggerRatePerHour?: number } = {}) {
    const a = (await assignment(cameraId))!;
    const file = await download(edge, a.modelId);
    assert.equal(createHash('sha256').update(file.bytes).digest('hex'), a.sha256);
    await report(a, ModelState.DOWNLOADING);
    await report(a, ModelState.VERIFIED);
    await report(a, ModelState.ACTIVATED, health);
    return a;
  }

  before(async () => {
    svc = await testService({ 'edgeApi.port': 0, 'training.autoTrain': false, 'analysis.enabled': false });
    await svc.service.edges.start();
    edge = await enrolledTestEdge(svc.service, 'site', CAMERAS, {
      runtime: caps(17),
      softwareVersion: '2.1.0',
    });
    old = await enrolledTestEdge(svc.service, 'old-site', ['old1'], {
      runtime: caps(13),
      softwareVersion: '1.0.0',
    });
    for (const v of ['1.0.0', '2.0.0', '3.0.0', '4.0.0', '5.0.0', '6.0.0', '7.0.0'])
      models[v] = await registerTestModel(svc.service, { version: v });
    // A bigger one (about 8 MB) so that a download takes many chunks.
    models.big = await registerTestModel(svc.service, {
      version: '9.0.0',
      arch: { inputHeight: 64, inputWidth: 64, channels: [16, 32, 64], latentDim: 256, kernelSize: 3 },
    });
  });
  after(() => svc.close());

  it('catalog: lists versions with their metadata and refuses to delete a deployed one', async () => {
    const list = (await svc.service.http.inject({ url: '/api/v1/models', headers: auth() })).json();
    assert.equal(list.items.length, 8);
    const m = (
      await svc.service.http.inject({ url: `/api/v1/models/${models['1.0.0']}`, headers: auth() })
    ).json();
    assert.deepEqual([m.version, m.status, m.opset, m.format], ['1.0.0', 'ready', 17, 'onnx']);
    const dl = await svc.service.http.inject({
      url: `/api/v1/models/${models['1.0.0']}/download`,
      headers: auth(),
    });
    assert.equal(createHash('sha256').update(dl.rawPayload).digest('hex'), m.sha256);
  });

  it('assigns, serves a resumable download after a dropped stream, and activates', async () => {
    const d = await deploy({ modelId: models.big, target: { cameras: ['c1'] }, strategy: 'all_at_once' });
    assert.equal(d.status, 'active');
    const a = (await assignment('c1'))!;
    assert.deepEqual([a.modelId, a.version, a.inputSize, a.opset], [models.big, '9.0.0', '64x64', 17]);
    const partial = await download(edge, a.modelId, 0, 3);
    assert.ok(
      partial.bytes.length > 0 && partial.bytes.length < partial.total,
      'the stream dropped part-way',
    );
    const rest = await download(edge, a.modelId, partial.bytes.length);
    const whole = Buffer.concat([partial.bytes, rest.bytes]);
    assert.equal(whole.length, Number(a.size));
    assert.equal(createHash('sha256').update(whole).digest('hex'), a.sha256);
    await report(a, ModelState.ACTIVATED);
    const model = (
      await svc.service.http.inject({ url: `/api/v1/models/${models.big}`, headers: auth() })
    ).json();
    assert.equal(model.status, 'active');
    const del = await svc.service.http.inject({
      method: 'DELETE',
      url: `/api/v1/models/${models.big}`,
      headers: auth(),
    });
    assert.equal(del.statusCode, 409);
    // Only assigned models can be downloaded.
    await assert.rejects(download(edge, models['7.0.0']!), /not assigned/);
  });

  it('a sha256 mismatch is refused by the edge, reported, and the camera rolls back', async () => {
    await deploy({ modelId: models['1.0.0'], target: { cameras: ['c1'] }, strategy: 'all_at_once' });
    await activate('c1'); // 1.0.0 becomes c1's last good version
    await deploy({ modelId: models['2.0.0'], target: { cameras: ['c1'] }, strategy: 'all_at_once' });
    const a = (await assignment('c1'))!;
    assert.equal(a.modelId, models['2.0.0']);
    const file = await download(edge, a.modelId);
    file.bytes.writeUInt8(file.bytes.readUInt8(100) ^ 0xff, 100); // corrupted on the way
    const sha = createHash('sha256').update(file.bytes).digest('hex');
    assert.notEqual(sha, a.sha256);
    await report(a, ModelState.FAILED, { reason: `sha256 mismatch: got ${sha}` });
    const back = (await assignment('c1'))!;
    assert.equal(back.modelId, models['1.0.0'], 'rolled back to the last good version');
    const audit = (
      await svc.service.http.inject({ url: '/api/v1/audit?subjectType=camera&subjectId=c1', headers: auth() })
    ).json();
    const rb = audit.items.find((e: { action: string }) => e.action === 'camera.rolled_back');
    assert.match(rb.reason, /sha256 mismatch/);
    assert.equal(rb.actor, 'system');
    await activate('c1');
  });

  it('rolls back automatically on a trigger-rate spike, and manually on request', async () => {
    await deploy({ modelId: models['3.0.0'], target: { cameras: ['c1'] }, strategy: 'all_at_once' });
    await activate('c1', { triggerRatePerHour: 30 });
    assert.equal((await assignment('c1'))!.modelId, models['1.0.0'], 'spike: back to 1.0.0');
    const audit = (
      await svc.service.http.inject({ url: '/api/v1/audit?subjectType=camera&subjectId=c1', headers: auth() })
    ).json();
    assert.match(
      audit.items.find((e: { action: string }) => e.action === 'camera.rolled_back').reason,
      /trigger rate 30\.0\/h is 15\.0x the previous model's 1\.0\/h/,
    );
    await activate('c1');

    const d4 = await deploy({
      modelId: models['4.0.0'],
      target: { cameras: ['c1'] },
      strategy: 'all_at_once',
    });
    await activate('c1');
    const rb = await svc.service.http.inject({
      method: 'POST',
      url: `/api/v1/deployments/${d4.id}/rollback`,
      headers: auth(),
      payload: { reason: 'owner asked' },
    });
    assert.deepEqual(rb.json(), { cameras: ['c1'] });
    assert.equal((await assignment('c1'))!.modelId, models['1.0.0']);
    const d4after = (
      await svc.service.http.inject({ url: `/api/v1/deployments/${d4.id}`, headers: auth() })
    ).json();
    assert.equal(d4after.status, 'rolled_back');
  });

  it('two rollbacks of one deployment at the same moment: one rolls back, the other is told (409)', async () => {
    const d5 = await deploy({
      modelId: models['5.0.0'],
      target: { cameras: ['c1'] },
      strategy: 'all_at_once',
    });
    await activate('c1');
    const rollback = () =>
      svc.service.http.inject({
        method: 'POST',
        url: `/api/v1/deployments/${d5.id}/rollback`,
        headers: auth(),
        payload: { reason: 'twice' },
      });
    const codes = (await Promise.all([rollback(), rollback()])).map((r) => r.statusCode).sort();
    assert.deepEqual(codes, [200, 409]);
    const rollbacks = await svc.service.database.db
      .selectFrom('deployments')
      .select('id')
      .where('rollback_of', '=', d5.id)
      .execute();
    assert.equal(rollbacks.length, 1, 'one rollback deployment for the camera');
    assert.equal((await assignment('c1'))!.modelId, models['1.0.0']);
    await activate('c1');
  });

  it('pinned cameras ignore newer deployments; incompatible edges are refused with the reason', async () => {
    await deploy({ modelId: models['1.0.0'], target: { cameras: ['c2'] }, strategy: 'all_at_once' });
    await activate('c2');
    assert.equal(
      (
        await svc.service.http.inject({
          method: 'PUT',
          url: '/api/v1/cameras/c2/pin',
          headers: auth(),
          payload: { pinned: true },
        })
      ).statusCode,
      204,
    );
    const d = await deploy({
      modelId: models['5.0.0'],
      target: { cameras: ['c2', 'c3'] },
      strategy: 'all_at_once',
    });
    assert.deepEqual(d.plan.skipped, [
      { cameraId: 'c2', reason: `pinned to model ${models['1.0.0']} (version 1.0.0)` },
    ]);
    assert.equal((await assignment('c2'))!.modelId, models['1.0.0']);
    assert.equal((await assignment('c3'))!.modelId, models['5.0.0']);

    const refused = await deploy({
      modelId: models['5.0.0'],
      target: { edgeId: old.edgeId },
      strategy: 'all_at_once',
      softwareVersion: { min: '2.0.0' },
    });
    assert.equal(refused.status, 'refused');
    assert.deepEqual(refused.plan.refused, [
      {
        cameraId: 'old1',
        reasons: [
          'the edge runs ONNX opset 13 at most; the model needs 17',
          'edge software 1.0.0 is older than the required 2.0.0',
        ],
      },
    ]);
    assert.equal((await old.models.listAssignments({})).assignments.length, 0);
  });

  it('a staged rollout promotes after a healthy canary, and another aborts at its failure threshold', async () => {
    const ok = await deploy({
      modelId: models['6.0.0'],
      target: { match: 'c[45]' },
      strategy: 'staged',
      canaryShare: 0.5,
      soakSeconds: 0,
    });
    assert.deepEqual([ok.status, ok.plan.canary, ok.plan.pending], ['canary', ['c4'], ['c5']]);
    assert.equal(await assignment('c5'), undefined, 'the rest waits for the canary');
    await activate('c4');
    assert.equal((await assignment('c5'))!.modelId, models['6.0.0'], 'promoted once the canary is healthy');
    assert.equal(
      (await svc.service.http.inject({ url: `/api/v1/deployments/${ok.id}`, headers: auth() })).json().status,
      'active',
    );

    await activate('c5');
    const bad = await deploy({
      modelId: models['7.0.0'],
      target: { cameras: ['c4', 'c5', 'c6'] },
      strategy: 'staged',
      canaryShare: 0.6,
      soakSeconds: 3600,
      abortFailureShare: 0.5,
    });
    assert.deepEqual(bad.plan.canary, ['c4', 'c5']);
    const a4 = (await assignment('c4'))!;
    await report(a4, ModelState.FAILED, { reason: 'onnxruntime: unsupported operator' });
    const after = (
      await svc.service.http.inject({ url: `/api/v1/deployments/${bad.id}`, headers: auth() })
    ).json();
    assert.equal(after.status, 'aborted');
    assert.match(after.reason, /1 of 2 canary cameras failed/);
    assert.equal((await assignment('c4'))!.modelId, models['6.0.0']);
    assert.equal((await assignment('c5'))!.modelId, models['6.0.0'], 'the other canary went back too');
    assert.equal(await assignment('c6'), undefined, 'the rest never got it');
  });

  it('a watch stream sends the current assignments, then every change', async () => {
    const controller = new AbortController();
    const seen: string[][] = [];
    const watching = (async () => {
      try {
        for await (const m of edge.models.watchAssignments({}, { signal: controller.signal })) {
          seen.push(m.assignments.filter((a) => a.cameraId === 'c6').map((a) => a.version));
          if (seen.length === 2) controller.abort();
        }
      } catch {
        /* aborted */
      }
    })();
    while (seen.length === 0) await new Promise((r) => setTimeout(r, 20));
    await deploy({ modelId: models['5.0.0'], target: { cameras: ['c6'] }, strategy: 'all_at_once' });
    await watching;
    assert.deepEqual(seen, [[], ['5.0.0']]);
  });
});
