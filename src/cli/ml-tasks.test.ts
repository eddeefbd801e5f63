import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cp, mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { testService } from '../test-support/service.js';
import { enrolledTestEdge } from '../test-support/edge.js';
import { ApiClient, ApiError } from './api-client.js';
import { importDataset, train } from './ml-tasks.js';

const fixtures = fileURLToPath(new URL('../../test/fixtures/vtest-train/', import.meta.url));

describe('CLI dataset import and training', () => {
  let svc: Awaited<ReturnType<typeof testService>>;
  let api: ApiClient;

  before(async () => {
    svc = await testService({
      'edgeApi.port': 0,
      'training.autoTrain': false,
      'training.inputWidth': 48,
      'training.inputHeight': 48,
      'training.channels': [4, 8, 8],
      'training.latentDim': 16,
      'training.batchSize': 4,
      'training.workers': 1,
      'jobs.pollIntervalMs': 50,
    });
    await svc.service.edges.start();
    svc.service.jobs.runner.start();
    await svc.service.http.listen({ port: 0, host: '127.0.0.1' });
    api = new ApiClient(
      `http://127.0.0.1:${(svc.service.http.server.address() as { port: number }).port}`,
      svc.adminToken,
    );
    await enrolledTestEdge(svc.service, 'cli-edge', ['cam-cli']);
  });
  after(() => svc.close());

  it('imports a folder of <label>/<image>, then trains with progress lines on the terminal', async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'uvm-cli-'));
    await cp(fixtures, path.join(folder, 'normal'), { recursive: true });
    await mkdir(path.join(folder, 'abnormal'));
    await writeFile(path.join(folder, 'abnormal', 'broken.jpg'), 'not a jpeg');
    const r = await importDataset(api, { source: folder, cameraId: 'cam-cli', name: 'cli' });
    assert.equal(r.accepted, 12);
    assert.deepEqual(
      r.refused.map((l) => l.split(':')[0]),
      ['abnormal/broken.jpg'],
    );

    const lines: string[] = [];
    const job = await train(
      api,
      { cameraId: 'cam-cli', datasetId: r.datasetId, epochs: 3, seed: 5, follow: true },
      (l) => lines.push(l),
    );
    assert.equal(job.status, 'succeeded', lines.join('\n'));
    assert.match(lines[0]!, /^training job \S+ queued for camera cam-cli$/);
    assert.equal(
      lines.filter((l) => /^ {2}epoch +\d+\/3 {2}train \d\.\d{5} {2}val \d\.\d{5} {2}eta \d+ s$/.test(l))
        .length,
      3,
    );
    assert.match(lines.at(-1)!, /^done: model \S+ version 1\.0\.0, threshold \d\.\d{3}e[-+]\d+$/);
  });

  it('reports API errors with their code', async () => {
    await assert.rejects(
      train(api, { cameraId: 'no-such-camera', follow: false }, () => undefined),
      (err: ApiError) => err.code === 'not_found' && err.status === 404,
    );
  });
});
