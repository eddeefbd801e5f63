import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ModelState } from '../gen/guardian/edge/v1/models_pb.js';
import { testService } from '../test-support/service.js';
import { enrolledTestEdge } from '../test-support/edge.js';
import { registerTestModel } from '../test-support/models.js';
import { modelHealthCheck } from './model-health.js';
import { ModelRepository } from './model-repository.js';

describe('model health reasons', () => {
  let svc: Awaited<ReturnType<typeof testService>>;
  let edge: Awaited<ReturnType<typeof enrolledTestEdge>>;
  const reasons = async (camera: string) => {
    const tree = await svc.service.health.evaluate();
    return tree.edges
      .flatMap((e) => e.cameras)
      .find((c) => c.id === camera)!
      .reasons.map((r) => r.code);
  };

  before(async () => {
    svc = await testService({ 'edgeApi.port': 0, 'analysis.enabled': false });
    await svc.service.edges.start();
    edge = await enrolledTestEdge(svc.service, 'health-site', ['m1', 'm2'], {
      runtime: { runtimes: ['onnxruntime'], maxOpset: 17 },
    });
  });
  after(() => svc.close());

  it('raises and clears: model rolled back, no model runs, trigger rate far from usual', async () => {
    const good = await registerTestModel(svc.service, { version: '1.0.0' });
    const bad = await registerTestModel(svc.service, { version: '2.0.0' });
    const deploy = (modelId: string, camera: string) =>
      svc.service.models.deployments.create(
        { modelId, target: { cameras: [camera] }, strategy: 'all_at_once' },
        'test',
      );
    const assignment = async (camera: string) =>
      (await edge.models.listAssignments({})).assignments.find((a) => a.cameraId === camera)!;
    const report = async (camera: string, state: ModelState, extra: Record<string, unknown> = {}) => {
      const a = await assignment(camera);
      await edge.models.reportModelStatus({
        cameraId: camera,
        modelId: a.modelId,
        deploymentId: a.deploymentId,
        state,
        ...extra,
      });
    };
    await deploy(good, 'm1');
    await report('m1', ModelState.ACTIVATED, { triggerRatePerHour: 1, inferenceLatencyMs: 5 });
    assert.deepEqual(await reasons('m1'), []);
    await deploy(bad, 'm1');
    await report('m1', ModelState.FAILED, { reason: 'unsupported operator' });
    assert.deepEqual(await reasons('m1'), ['model_rolled_back']);
    // A day later the rollback is history.
    const repo = new ModelRepository(svc.service.database.db);
    const later = modelHealthCheck(
      repo,
      svc.service.models.assignments,
      { triggerRateFactor: 5, minTriggerRatePerHour: 2 },
      () => Date.now() + 25 * 3_600_000,
    );
    assert.deepEqual(await later('m1', undefined), []);

    await deploy(bad, 'm2');
    await report('m2', ModelState.FAILED, { reason: 'unsupported operator' });
    assert.deepEqual(await reasons('m2'), ['model_failing']);

    // Back on 1.0.0 (usual 1/h): 40/h is far from usual, 1.5/h is not.
    await report('m1', ModelState.ACTIVATED, { triggerRatePerHour: 1, inferenceLatencyMs: 5 });
    const check = modelHealthCheck(
      repo,
      svc.service.models.assignments,
      { triggerRateFactor: 5, minTriggerRatePerHour: 2 },
      () => Date.now() + 25 * 3_600_000,
    );
    assert.deepEqual(
      (await check('m1', { triggerRatePerHour: 40 })).map(([s, r]) => [s, r.code]),
      [['degraded', 'trigger_rate_unusual']],
    );
    assert.deepEqual(await check('m1', { triggerRatePerHour: 1.5 }), []);
  });
});
