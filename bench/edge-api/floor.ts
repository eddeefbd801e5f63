/**
 * bench/edge-api floor: the same load as bench/edge-api (200 mTLS HTTP/2 connections, 2,000
 * heartbeats/s from the lean load generator) against the smallest Node HTTP/2 server that answers
 * a gRPC call (floor-server.mjs, its own process, no application code). What it measures is the
 * latency this machine and Node's HTTP/2 + TLS give before the service adds anything.
 *
 *   node --import tsx bench/edge-api/floor.ts [--edges 200 --seconds 10 --rate 2000]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { CertificateAuthority } from '../../src/edges/pki/certificate-authority.js';
import { createCsr } from '../../src/edge-client/credentials.js';
import { EdgeService } from '../../src/gen/guardian/edge/v1/edge_pb.js';
import { leanGrpcClient } from '../support/lean-grpc-client.js';
import { arg, openLoop, percentile } from '../support/load.js';

const EDGES = arg('edges', 200);
const SECONDS = arg('seconds', 10);
const RATE = arg('rate', 2000);
const PORT = 19543;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uvm-floor-'));
const ca = await CertificateAuthority.loadOrCreate(dir, pino({ level: 'silent' }));
const server = await ca.serverCredentials(['127.0.0.1', 'localhost']);
fs.writeFileSync(path.join(dir, 'srv.crt'), server.certPem);
fs.writeFileSync(path.join(dir, 'srv.key'), server.keyPem);
const clients = await Promise.all(
  Array.from({ length: EDGES }, async (_, i) => {
    const { tlsKeyPem, csrPem } = await createCsr(`floor-${i}`);
    const issued = await ca.issueClientCertificate(csrPem, { id: `e${i}`, name: `floor-${i}` }, 30);
    return { keyPem: tlsKeyPem, certPem: issued.pem };
  }),
);
const child = spawn(
  process.execPath,
  [
    // As for the service in bench/edge-api: e.g. BENCH_NODE_FLAGS=--trace-gc BENCH_SERVER_STDOUT=<file>.
    ...(process.env.BENCH_NODE_FLAGS ? process.env.BENCH_NODE_FLAGS.split(' ') : []),
    fileURLToPath(new URL('./floor-server.mjs', import.meta.url)),
    String(PORT),
    path.join(dir, 'srv.crt'),
    path.join(dir, 'srv.key'),
    path.join(dir, 'ca.crt'),
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
await new Promise((resolve) => child.stdout!.once('data', resolve));
if (process.env.BENCH_SERVER_STDOUT)
  child.stdout!.pipe(fs.createWriteStream(process.env.BENCH_SERVER_STDOUT));
try {
  const edges = clients.map((c) =>
    leanGrpcClient({
      endpoint: `127.0.0.1:${PORT}`,
      caPem: ca.certPem,
      certPem: c.certPem,
      keyPem: c.keyPem,
    }),
  );
  const call = (e: (typeof edges)[number]) => e.unary(EdgeService, EdgeService.method.heartbeat, {});
  await Promise.all(edges.map(call));
  for (const phase of [1, 2]) {
    const { latencies } = await openLoop(edges, RATE, SECONDS, call);
    latencies.sort((a, b) => a - b);
    const p = (q: number) => percentile(latencies, q * 100);
    console.log(
      `floor, fixed ${RATE}/s, run ${phase}: ${latencies.length} calls  p50 ${p(0.5).toFixed(2)} ms  p99 ${p(0.99).toFixed(2)} ms  max ${latencies.at(-1)!.toFixed(1)} ms`,
    );
  }
  edges.forEach((e) => e.close());
} finally {
  child.kill();
  fs.rmSync(dir, { recursive: true, force: true });
}
