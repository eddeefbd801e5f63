import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ModelState } from '../gen/guardian/edge/v1/models_pb.js';
import { testService } from '../test-support/service.js';
import { enrolledTestEdge } from '../test-support/edge.js';
import { RETRAINING_ACTOR } from '../models/retraining-rollout.js';

const fixtures = fileURLToPath(new URL('../../test/fixtures/vtest-train/', import.meta.url));

describe('the camera keeps learning: retraining as normal snapshots grow', () => {
  let svc: Awaited<ReturnType<typeof testService>>;
  const auth = () => ({ authorization: `Bearer ${svc.adminToken}` });
  const get = async (url: string) => (await svc.service.http.inject({ url, headers: auth() })).json();
  const jobs = async () =>
    (await get('/api/v1/training-jobs?cameraId=cam-r')).items as {
      id: string;
      status: string;
      modelId: string | null;
    }[];
  const until = async <T>(what: string, f: () => Promise<T | undefined | false>): Promise<T> => {
    for (let i = 0; i < 600; i++) {
      const v = await f();
      if (v) return v;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${what}`);
  };

  before(async () => {
    svc = await testService({
      'edgeApi.port': 0,
      'cameras.minNormalSnapshots': 6,
      'training.inputWidth': 48,
      'training.inputHeight': 48,
      'training.channels': [4, 8, 8],
      'training.latentDim': 16,
      'training.epochs': 2,
      'training.batchSize': 4,
      'training.workers': 1,
      'training.retrainGrowth': 0.5,
      'analysis.enabled': false,
      'jobs.pollIntervalMs': 20,
    });
    await svc.service.edges.start();
    svc.service.jobs.runner.start();
  });
  after(() => svc.close());

  it('retrains once the snapshots grew by half, deploys the new version, and rolls it back when it fails', async () => {
    const runtime = { runtimes: ['onnxruntime'], maxOpset: 17 };
    const edge = await enrolledTestEdge(svc.service, 'retrain-edge', ['cam-r'], { runtime });
    const files = (await readdir(fixtures)).filter((f) => f.endsWith('.jpg')).sort();
    const frames = await Promise.all(files.map((f) => readFile(fixtures + f)));
    const upload = async (images: Buffer[], from: number) => {
      await edge.datasets.uploadSnapshots(
        (async function* () {
          for (const [i, image] of images.entries())
            yield {
              cameraId: 'cam-r',
              label: 'normal',
              image,
              capturedAtMs: BigInt(Date.now() - 60_000 + from + i),
            };
        })(),
      );
      await edge.edge.syncCapabilities({
        runtime,
        cameras: [
          {
            cameraId: 'cam-r',
            name: 'cam-r',
            online: true,
            labelledSnapshotCounts: { normal: from + images.length },
          },
        ],
      });
    };
    await upload(frames.slice(0, 6), 0);
    const first = await until('the first model', async () =>
      (await jobs()).find((j) => j.status === 'succeeded'),
    );
    const metadata = (await get(`/api/v1/models/${first.modelId}`)).metadata ?? {};
    if (metadata.score_definition) assert.equal(metadata.score_definition.kind, 'local_error_and_sharpness');

    // The owner deploys the first model; the edge runs it.
    await svc.service.models.deployments.create(
      { modelId: first.modelId!, target: { cameras: ['cam-r'] }, strategy: 'all_at_once' },
      'owner',
    );
    const assignment = async () =>
      (await edge.models.listAssignments({})).assignments.find((a) => a.cameraId === 'cam-r')!;
    const report = async (state: ModelState, extra: Record<string, unknown> = {}) => {
      const a = await assignment();
      await edge.models.reportModelStatus({
        cameraId: 'cam-r',
        modelId: a.modelId,
        deploymentId: a.deploymentId,
        state,
        ...extra,
      });
    };
    await report(ModelState.ACTIVATED, { triggerRatePerHour: 1, inferenceLatencyMs: 5 });
    const readiness = async () => (await svc.service.edges.cameras.get('cam-r')).readiness;
    assert.equal(await readiness(), 'model_deployed');

    // 8 of the 9 it needs (6 x 1.5): it waits, and says why.
    await upload(frames.slice(6, 8), 6);
    const waiting = await svc.service.ml.automation.consider('cam-r');
    assert.deepEqual(waiting, { skipped: 'retraining waits for 9 normal images (the model has 6, now 8)' });
    assert.equal((await jobs()).length, 1);

    // 10: it retrains on its own, keeps the model deployed meanwhile, and the edge gets version 2.
    await upload(frames.slice(8, 10), 8);
    const second = await until('the retrained model', async () =>
      (await jobs()).find((j) => j.status === 'succeeded' && j.id !== first.id),
    );
    assert.equal(await until('readiness back', async () => (await readiness()) === 'model_deployed'), true);
    const next = await until('the new assignment', async () => {
      const a = await assignment();
      return a.modelId === second.modelId ? a : undefined;
    });
    assert.equal((await get(`/api/v1/models/${second.modelId}`)).version, '2.0.0');
    const deployments = (await get('/api/v1/deployments')).items as {
      id: string;
      createdBy?: string;
      modelId: string;
    }[];
    assert.ok(deployments.some((d) => d.id === next.deploymentId && d.modelId === second.modelId));

    // The new version fails on the edge: the camera goes back to version 1 (automatic rollback).
    await report(ModelState.FAILED, { reason: 'load failed' });
    const back = await until('the rollback', async () => {
      const a = await assignment();
      return a.modelId === first.modelId ? a : undefined;
    });
    assert.equal(back.modelId, first.modelId);
    const audit = (await get('/api/v1/audit?limit=50')).items as { actor: string; action: string }[];
    assert.ok(
      audit.some((e) => e.actor === RETRAINING_ACTOR),
      JSON.stringify(audit.map((e) => [e.actor, e.action])),
    );
  });
});
