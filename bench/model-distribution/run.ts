/**
 * bench/model-distribution: N simulated edges (default 100), each with its own mTLS connection,
 * download a ~12 MB model at once over gRPC (server-streamed chunks). Reports total time,
 * throughput and the server's RSS (its own process) before and at peak, and loopback bandwidth
 * for comparison (one plain TCP stream of the same bytes).
 *
 *   npm run bench:model-distribution -- --edges 100
 */
import { createHash } from 'node:crypto';
import net from 'node:net';
import os from 'node:os';
import { edgeClient } from '../../src/edge-client/transport.js';
import { EdgeService } from '../../src/gen/guardian/edge/v1/edge_pb.js';
import { ModelService } from '../../src/gen/guardian/edge/v1/models_pb.js';
import { loadConfig } from '../../src/config/load.js';
import { createBlobStore } from '../../src/storage/create-blob-store.js';
import { storeModelPackage } from '../../src/training/model-package.js';
import { buildTestPackage } from '../../src/test-support/models.js';
import { benchService, cpuMs, enrollBenchEdges, rssMb, waitForEdgeApi } from '../support/service-process.js';
import { arg } from '../support/load.js';

const EDGES = arg('edges', 100);
const port = 19543;
const httpPort = 19180;
const svc = benchService(
  'models',
  (dir) =>
    `dataDir: ${dir}/data\nserver: { port: ${httpPort} }\nlog: { level: warn }\nedgeApi: { port: ${port} }\nwireguard: { subnet: 198.51.100.0/23 }\nanalysis: { enabled: false }\ntraining: { autoTrain: false }\n`,
);

/** One plain TCP transfer of `bytes` on loopback: the ceiling for any protocol here. */
async function loopbackMBps(bytes: Buffer): Promise<number> {
  const server = net.createServer((s) => s.end(bytes));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const t = performance.now();
  await new Promise<void>((resolve) => {
    const c = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    c.on('data', () => undefined).on('end', resolve);
  });
  const s = (performance.now() - t) / 1000;
  server.close();
  return bytes.length / 2 ** 20 / s;
}

// A ~12 MB model package, written into the service's store before it starts.
const {
  id: modelId,
  metadata,
  onnx,
} = buildTestPackage({
  version: '1.0.0',
  framework: 'bench',
  arch: { inputHeight: 64, inputWidth: 64, channels: [16, 32, 64], latentDim: 384, kernelSize: 3 },
});
await storeModelPackage(createBlobStore(loadConfig({ env: {}, file: svc.config })), metadata, onnx);
const sha = createHash('sha256').update(onnx).digest('hex');

const issued = JSON.parse(
  svc.cli(['bootstrap-token', 'create', '--name', 'bench', '--max-uses', String(EDGES), '--json']),
) as { token: string; caCertificatePem: string };
const admin = /uvm_[A-Za-z0-9_-]+/.exec(
  svc.cli(['token', 'create', '--name', 'bench', '--role', 'admin']),
)![0];
const server = svc.start();
const api = async (method: string, url: string, body?: unknown) => {
  const res = await fetch(`http://127.0.0.1:${httpPort}${url}`, {
    method,
    headers: { authorization: `Bearer ${admin}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<Record<string, unknown>>;
};
try {
  const endpoint = `127.0.0.1:${port}`;
  const caPem = issued.caCertificatePem;
  await waitForEdgeApi(endpoint, caPem);
  const edges = await Promise.all(
    (await enrollBenchEdges({ endpoint, caPem, token: issued.token, count: EDGES, prefix: 'bench' })).map(
      async ({ index: i, transport }) => {
        await edgeClient(EdgeService, transport).syncCapabilities({
          cameras: [{ cameraId: `cam-${i}`, name: `cam-${i}`, online: true, labelledSnapshotCounts: {} }],
          runtime: {
            runtimes: ['onnxruntime'],
            maxOpset: 17,
            maxModelBytes: 100n * 1024n * 1024n,
            inputSizes: ['64x64'],
          },
          softwareVersion: '1.0.0',
        });
        return edgeClient(ModelService, transport);
      },
    ),
  );
  await api('POST', `/api/v1/models/${modelId}/register`);
  const deployment = await api('POST', '/api/v1/deployments', {
    modelId,
    target: { match: 'cam-*' },
    strategy: 'all_at_once',
  });
  await Promise.all(edges.map((e) => e.listAssignments({}))); // open every connection
  const before = rssMb(server.pid!);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(server.pid!))), 50);
  const cpu0 = cpuMs(server.pid!);
  const t0 = performance.now();
  const results = await Promise.all(
    edges.map(async (e) => {
      const hash = createHash('sha256');
      let size = 0;
      for await (const m of e.downloadModel({ modelId, offset: 0n })) {
        hash.update(m.chunk);
        size += m.chunk.length;
      }
      return { ok: hash.digest('hex') === sha, size };
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const serverCpu = (cpuMs(server.pid!) - cpu0) / 1000;
  clearInterval(sampler);
  const bytes = results.reduce((a, r) => a + r.size, 0);
  console.log(
    `bench/model-distribution: ${EDGES} edges (own mTLS connections), model ${(onnx.length / 2 ** 20).toFixed(1)} MB, deployment ${String(deployment.status)}, ${os.cpus().length} cores`,
  );
  console.log(
    `all downloads: ${seconds.toFixed(1)} s, ${(bytes / 2 ** 20 / seconds).toFixed(0)} MB/s total, ${results.filter((r) => r.ok).length}/${EDGES} verified`,
  );
  console.log(
    `server CPU: ${serverCpu.toFixed(1)} s in ${seconds.toFixed(1)} s (${((100 * serverCpu) / seconds).toFixed(0)}% of one core); the edges' TLS and hashing share the same ${os.cpus().length} cores`,
  );
  console.log(
    `server RSS: ${before.toFixed(0)} MB before, ${peak.toFixed(0)} MB peak (+${(peak - before).toFixed(0)} MB)`,
  );
  console.log(
    `loopback, one plain TCP stream of the same file: ${(await loopbackMBps(Buffer.from(onnx))).toFixed(0)} MB/s`,
  );
} finally {
  await svc.stop(server);
}
