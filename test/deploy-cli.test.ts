import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { ModelState } from '../src/gen/guardian/edge/v1/models_pb.js';
import { enrolledTestEdge } from '../src/test-support/edge.js';
import { registerTestModel } from '../src/test-support/models.js';
import { testService } from '../src/test-support/service.js';

const execFileP = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');

/** `uservm models`, `deploy` and `rollback` as an operator runs them, against a running service. */
describe('deploy and rollback CLI', () => {
  let svc: Awaited<ReturnType<typeof testService>>;
  let edge: Awaited<ReturnType<typeof enrolledTestEdge>>;
  let url = '';
  const uservm = async (...args: string[]) => {
    try {
      const r = await execFileP(
        process.execPath,
        ['--import', 'tsx', path.join(root, 'src/cli/main.ts'), ...args, '--url', url],
        { cwd: root, timeout: 60_000, env: { ...process.env, UVM_TOKEN: svc.adminToken } },
      );
      return { code: 0, out: r.stdout, err: r.stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, out: e.stdout, err: e.stderr };
    }
  };

  before(async () => {
    svc = await testService({ 'edgeApi.port': 0, 'training.autoTrain': false, 'analysis.enabled': false });
    await svc.service.edges.start();
    await svc.service.http.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(svc.service.http.server.address() as { port: number }).port}`;
    edge = await enrolledTestEdge(svc.service, 'cli-site', ['porch', 'yard'], {
      runtime: {
        runtimes: ['onnxruntime'],
        maxOpset: 17,
        maxModelBytes: 64n * 1024n * 1024n,
        inputSizes: ['32x32'],
        hardware: 'test',
      },
      softwareVersion: '2.0.0',
    });
  });
  after(() => svc.close());

  it('lists models, deploys one to cameras, then rolls it back to the previous version', async () => {
    const v1 = await registerTestModel(svc.service, { version: '1.0.0' });
    const v2 = await registerTestModel(svc.service, { version: '2.0.0' });
    const listed = await uservm('models');
    assert.equal(listed.code, 0, listed.err);
    assert.match(listed.out, new RegExp(`${v1}\\s+1\\.0\\.0`));
    assert.match(listed.out, new RegExp(`${v2}\\s+2\\.0\\.0`));

    // v1 becomes the last good version on porch: deployed and activated by the edge.
    const first = await uservm('deploy', '--model', v1, '--cameras', 'porch');
    assert.equal(first.code, 0, first.err);
    const a1 = (await edge.models.listAssignments({})).assignments.find((a) => a.cameraId === 'porch')!;
    for (const state of [ModelState.DOWNLOADING, ModelState.VERIFIED, ModelState.ACTIVATED])
      await edge.models.reportModelStatus({
        cameraId: a1.cameraId,
        modelId: a1.modelId,
        deploymentId: a1.deploymentId,
        state,
        triggerRatePerHour: 1,
        inferenceLatencyMs: 10,
      });

    const second = await uservm('deploy', '--model', v2, '--edge', edge.edgeId);
    assert.equal(second.code, 0, second.err);
    const id = /^deployment (\S+): active$/m.exec(second.out)?.[1];
    assert.ok(id, second.out);
    const now = (await edge.models.listAssignments({})).assignments;
    assert.deepEqual(now.map((a) => [a.cameraId, a.version]).sort(), [
      ['porch', '2.0.0'],
      ['yard', '2.0.0'],
    ]);

    const back = await uservm('rollback', id!, '--reason', 'false alarms at night');
    assert.equal(back.code, 0, back.err);
    assert.match(back.out, /^rolled back: .*porch/m);
    const after = (await edge.models.listAssignments({})).assignments.find((a) => a.cameraId === 'porch')!;
    assert.equal(after.version, '1.0.0', 'porch runs its last good version again');
  });

  it('explains bad input: an unknown model, and a canary share outside 0..1', async () => {
    const unknown = await uservm('deploy', '--model', 'no-such-model', '--cameras', 'porch');
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /no-such-model|not found/i);
    assert.match(unknown.err, /HTTP 404/);
    const share = await uservm('deploy', '--model', 'x', '--cameras', 'porch', '--canary', '2');
    assert.notEqual(share.code, 0);
    assert.match(share.err, /must be between 0 and 1/);
  });
});
