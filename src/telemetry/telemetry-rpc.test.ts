import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Code } from '@connectrpc/connect';
import { EdgeService } from '../gen/guardian/edge/v1/edge_pb.js';
import { TelemetryService } from '../gen/guardian/edge/v1/telemetry_pb.js';
import { grpcError } from '../test-support/grpc.js';
import { enrolledTestEdge } from '../test-support/edge.js';
import { testService } from '../test-support/service.js';
import { edgeClient, edgeTransport } from '../edge-client/transport.js';
import { createEdgeKeyMaterial } from '../edge-client/credentials.js';

let ctx: Awaited<ReturnType<typeof testService>>;
let client: ReturnType<typeof edgeClient<typeof TelemetryService>>;
let edgeId = '';
before(async () => {
  ctx = await testService({ 'edgeApi.port': 0 });
  await ctx.service.edges.start();
  const { token } = await ctx.service.edges.bootstrapTokens.create({ name: 'tele' });
  const keys = await createEdgeKeyMaterial('tele');
  const res = await ctx.service.edges.enrollment.enroll({
    bootstrapToken: token,
    edgeName: 'tele',
    wireguardPublicKey: keys.wireguard.publicKey,
    csrPem: keys.csrPem,
    softwareVersion: '1',
  });
  edgeId = res.edgeId;
  const transport = edgeTransport({
    endpoint: `127.0.0.1:${ctx.service.edges.grpcAddress!.port}`,
    caPem: ctx.service.edges.ca.certPem,
    certPem: res.certificatePem,
    keyPem: keys.tlsKeyPem,
  });
  client = edgeClient(TelemetryService, transport);
  await edgeClient(EdgeService, transport).syncCapabilities({
    cameras: [{ cameraId: 'yard', name: 'yard', online: true, labelledSnapshotCounts: {} }],
  });
  await enrolledTestEdge(ctx.service, 'neighbour', ['their-cam']);
});
after(() => ctx.close());

const report = (over: Record<string, unknown> = {}) => ({
  atMs: BigInt(Date.now()),
  cpuPercent: 37.5,
  memoryUsedBytes: 2n << 30n,
  memoryTotalBytes: 8n << 30n,
  diskUsedBytes: 10n << 30n,
  diskTotalBytes: 100n << 30n,
  temperaturesC: { soc: 55 },
  eventQueueLength: 2,
  softwareVersion: '1.4.0',
  cameras: [
    {
      cameraId: 'yard',
      online: true,
      fps: 10,
      inferenceLatencyMs: 42,
      triggerRatePerHour: 3,
      modelVersion: '1.0.0',
    },
  ],
  ...over,
});

describe('edge telemetry', () => {
  it('stores a valid report and serves it as the latest sample and a raw series', async () => {
    await client.reportTelemetry(report());
    const res = await ctx.service.http.inject({
      method: 'GET',
      url: `/api/v1/telemetry/edges/${edgeId}?step=10`,
      headers: { authorization: `Bearer ${ctx.adminToken}` },
    });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.source, 'raw');
    const edgeSample = body.latest.find((s: { cameraId: string }) => s.cameraId === '');
    assert.equal(edgeSample.metrics.cpuPercent, 37.5);
    assert.equal(edgeSample.metrics.temperaturesC.soc, 55);
    assert.equal(
      body.latest.find((s: { cameraId: string }) => s.cameraId === 'yard').metrics.inferenceLatencyMs,
      42,
    );
    const scrape = (await ctx.service.http.inject({ method: 'GET', url: '/metrics' })).body;
    assert.match(scrape, new RegExp(`^uservm_camera_up\\{edge="${edgeId}",camera="yard"\\} 1$`, 'm'));
    assert.match(scrape, new RegExp(`^uservm_edge_cpu_ratio\\{edge="${edgeId}"\\} 0\\.375$`, 'm'));
    const rollupView = await ctx.service.http.inject({
      method: 'GET',
      url: `/api/v1/telemetry/edges/${edgeId}?step=300`,
      headers: { authorization: `Bearer ${ctx.adminToken}` },
    });
    assert.equal(rollupView.json().source, 'rollup');
  });

  it("refuses out-of-range values, future timestamps and cameras that are not the edge's", async () => {
    const cases: [Record<string, unknown>, Code, RegExp][] = [
      [{ cpuPercent: 150 }, Code.InvalidArgument, /cpu_percent/],
      [{ memoryUsedBytes: 9n << 30n }, Code.InvalidArgument, /exceeds memory_total_bytes/],
      [{ temperaturesC: { soc: 400 } }, Code.InvalidArgument, /outside -60\.\.150/],
      [{ atMs: BigInt(Date.now() + 3_600_000) }, Code.InvalidArgument, /future/],
      [{ cameras: [{ cameraId: 'yard', fps: 1000 }] }, Code.InvalidArgument, /0\.\.240/],
      [{ cameras: [{ cameraId: 'their-cam' }] }, Code.PermissionDenied, /another edge/],
    ];
    for (const [over, code, message] of cases) {
      const err = await grpcError(client.reportTelemetry(report(over)));
      assert.equal(err.code, code, JSON.stringify(Object.keys(over)));
      assert.match(err.rawMessage, message);
    }
    const { db } = ctx.service.database;
    const edgeRows = await db.selectFrom('telemetry_edge_samples').select('at').execute();
    const cameraRows = await db.selectFrom('telemetry_camera_samples').select('at').execute();
    assert.equal(
      edgeRows.length + cameraRows.length,
      2,
      'only the valid report (edge + one camera) was stored',
    );
  });
});
