import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { testService } from '../test-support/service.js';
import { enrolledTestEdge } from '../test-support/edge.js';
import { createSession, ort } from '../ml/onnx-runtime.js';

const fixtures = fileURLToPath(new URL('../../test/fixtures/vtest-train/', import.meta.url));

async function readBlob(
  svc: Awaited<ReturnType<typeof testService>>,
  bucket: string,
  key: string,
): Promise<Buffer> {
  const read = await svc.service.blobStore.get(bucket, key);
  const chunks: Buffer[] = [];
  for await (const c of read.stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- event payloads are asserted field by field
type SseEvent = { event: string; data: any };

/** Collects a training job's server-sent events until `done`. */
function sse(port: number, path: string, token: string): Promise<SseEvent[]> {
  return new Promise((resolve, reject) => {
    http
      .get({ port, path, headers: { authorization: `Bearer ${token}` } }, (res) => {
        let buf = '';
        const events: SseEvent[] = [];
        res.on('data', (c: Buffer) => {
          buf += c.toString();
          let i;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event && data) events.push({ event, data: JSON.parse(data) });
          }
        });
        res.on('end', () => resolve(events));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

describe('training through the API', () => {
  let svc: Awaited<ReturnType<typeof testService>>;
  let port: number;
  const auth = () => ({ authorization: `Bearer ${svc.adminToken}` });

  before(async () => {
    svc = await testService({
      'edgeApi.port': 0,
      'cameras.minNormalSnapshots': 8,
      'training.inputWidth': 64,
      'training.inputHeight': 64,
      'training.channels': [8, 16, 16],
      'training.latentDim': 32,
      'training.epochs': 4,
      'training.batchSize': 4,
      'training.workers': 2,
      'jobs.pollIntervalMs': 50,
      // Cancellation is noticed at lease renewal (every leaseMs / 3).
      'jobs.leaseMs': 1500,
    });
    await svc.service.edges.start();
    svc.service.jobs.runner.start();
    await svc.service.http.listen({ port: 0, host: '127.0.0.1' });
    port = (svc.service.http.server.address() as { port: number }).port;
  });
  after(() => svc.close());

  it('an edge reaching ready_for_training with an uploaded dataset gets a model: SSE, metrics, ONNX package', async () => {
    const edge = await enrolledTestEdge(svc.service, 'train-edge', ['cam-t']);
    const files = (await readdir(fixtures)).filter((f) => f.endsWith('.jpg'));
    const frames = await Promise.all(files.map((f) => readFile(fixtures + f)));
    await edge.datasets.uploadSnapshots(
      (async function* () {
        for (const image of frames) yield { cameraId: 'cam-t', label: 'normal', image };
      })(),
    );
    // Nothing trains until the edge reports enough normal snapshots (readiness).
    assert.equal(
      (await svc.service.http.inject({ url: '/api/v1/training-jobs', headers: auth() })).json().items.length,
      0,
    );
    await edge.edge.syncCapabilities({
      cameras: [
        { cameraId: 'cam-t', name: 'cam-t', online: true, labelledSnapshotCounts: { normal: frames.length } },
      ],
    });

    let job: { id: string } | undefined;
    for (let i = 0; i < 50 && !job; i++) {
      job = (
        await svc.service.http.inject({ url: '/api/v1/training-jobs?cameraId=cam-t', headers: auth() })
      ).json().items[0];
      if (!job) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(job, 'training was queued automatically');
    const events = await sse(port, `/api/v1/training-jobs/${job.id}/events`, svc.adminToken);
    const epochs = events.filter((e) => e.event === 'epoch');
    assert.deepEqual(
      epochs.map((e) => e.data.epoch),
      [1, 2, 3, 4],
    );
    assert.ok(epochs.every((e) => e.data.valLoss > 0 && e.data.etaSeconds >= 0));
    const done = events.at(-1)!;
    assert.equal(done.event, 'done');
    assert.equal(done.data.status, 'succeeded', JSON.stringify(done.data));

    const finished = (
      await svc.service.http.inject({ url: `/api/v1/training-jobs/${job.id}`, headers: auth() })
    ).json();
    assert.equal(finished.status, 'succeeded');
    assert.ok(finished.metrics.calibration.threshold > 0);
    assert.ok(finished.metrics.exportMaxAbsDiff < 1e-4);
    const curve = (
      await svc.service.http.inject({ url: `/api/v1/training-jobs/${job.id}/metrics`, headers: auth() })
    ).json();
    assert.equal(curve.epochs.length, 4);

    const onnx = await readBlob(svc, 'models', `${finished.modelId}/model.onnx`);
    const metadata = JSON.parse(
      (await readBlob(svc, 'models', `${finished.modelId}/metadata.json`)).toString(),
    );
    assert.equal(metadata.sha256, createHash('sha256').update(onnx).digest('hex'));
    assert.equal(metadata.size, onnx.length);
    assert.deepEqual(metadata.input.shape, ['N', 3, 64, 64]);
    assert.equal(metadata.camera_id, 'cam-t');
    assert.equal(metadata.version, '1.0.0');
    assert.equal(metadata.threshold, finished.metrics.calibration.threshold);
    const session = await createSession(onnx);
    const out = await session.run({
      input: new ort.Tensor('float32', new Float32Array(2 * 3 * 64 * 64).fill(0.5), [2, 3, 64, 64]),
    });
    assert.deepEqual(out.score!.dims, [2]);
    assert.deepEqual(out.error_map!.dims, [2, 1, 64, 64]);
    await session.release();

    // Training again while one runs is refused; the finished one does not re-trigger itself.
    const camera = await svc.service.edges.cameras.list({});
    assert.equal(camera.find((c) => c.id === 'cam-t')?.readiness, 'ready_for_training');
    assert.equal(
      (await svc.service.http.inject({ url: '/api/v1/training-jobs?cameraId=cam-t', headers: auth() })).json()
        .items.length,
      1,
    );
  });

  it('refuses bad requests clearly and cancels a running job', async () => {
    const bad = await svc.service.http.inject({
      method: 'POST',
      url: '/api/v1/training-jobs',
      headers: auth(),
      payload: { cameraId: 'cam-t', overrides: { epochs: 0 } },
    });
    assert.equal(bad.statusCode, 400);
    const unknown = await svc.service.http.inject({
      method: 'POST',
      url: '/api/v1/training-jobs',
      headers: auth(),
      payload: { cameraId: 'nope' },
    });
    assert.equal(unknown.statusCode, 404);
    const started = await svc.service.http.inject({
      method: 'POST',
      url: '/api/v1/training-jobs',
      headers: auth(),
      payload: { cameraId: 'cam-t', overrides: { epochs: 200, patience: 200 } },
    });
    assert.equal(started.statusCode, 202, started.body);
    const twice = await svc.service.http.inject({
      method: 'POST',
      url: '/api/v1/training-jobs',
      headers: auth(),
      payload: { cameraId: 'cam-t' },
    });
    assert.equal(twice.statusCode, 409);
    const id = started.json().id;
    for (let i = 0; i < 100; i++) {
      const j = (
        await svc.service.http.inject({ url: `/api/v1/training-jobs/${id}`, headers: auth() })
      ).json();
      if (j.progress?.stage === 'training') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const cancel = await svc.service.http.inject({
      method: 'POST',
      url: `/api/v1/training-jobs/${id}/cancel`,
      headers: auth(),
    });
    assert.equal(cancel.statusCode, 200);
    let status = '';
    for (let i = 0; i < 600 && status !== 'cancelled'; i++) {
      status = (await svc.service.http.inject({ url: `/api/v1/training-jobs/${id}`, headers: auth() })).json()
        .status;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(status, 'cancelled');
  });
});
