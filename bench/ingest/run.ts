/**
 * bench/ingest: concurrent edges over mTLS gRPC uploading events (one ~200 KB frame each) and
 * 2 MB age clips to a service in its own process (filesystem store), then one 200 MB clip served
 * back by 1 MB HTTP ranges. Prints events/s, MB/s, p50/p99 ack latency and server RSS.
 * Targets (issue 4): >= 300 events/s with frames, p99 ack < 100 ms at 50 events/s, clip memory flat;
 * serving a 200 MB clip by ranges with RSS growth < 50 MB.
 * Run: npm run bench:ingest [-- --edges 20 --seconds 10 --analysis --only events,rate,clips,ranges]
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { Client } from '@connectrpc/connect';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { clipUploadMessages } from '../../src/edge-client/clip-upload-messages.js';
import { edgeClient } from '../../src/edge-client/transport.js';
import { EdgeService } from '../../src/gen/guardian/edge/v1/edge_pb.js';
import { EventService, TriggerType } from '../../src/gen/guardian/edge/v1/events_pb.js';
import { benchService, cpuMs, enrollBenchEdges, root, rssMb } from '../support/service-process.js';
import { arg } from '../support/load.js';

const EDGES = arg('edges', 20);
const SECONDS = arg('seconds', 10);
// Ingest alone by default; --analysis also runs the detector on every event (as production does).
const WITH_ANALYSIS = process.argv.includes('--analysis');
// --only runs some phases (e.g. `--only events` for a profile of event ingest alone).
const onlyAt = process.argv.indexOf('--only');
const phases = new Set(
  onlyAt > 0 ? process.argv[onlyAt + 1]!.split(',') : ['events', 'rate', 'clips', 'ranges'],
);
const grpcPort = 19543;
const httpPort = 19180;
const recipient = await identityToRecipient(await generateIdentity());
const svc = benchService(
  'ingest',
  (dir) =>
    `dataDir: ${dir}/data\nserver: { port: ${httpPort} }\nlog: { level: warn }\nedgeApi: { port: ${grpcPort} }\narchive: { recipients: ["${recipient}"], maxFrameBytes: 4000000 }\njobs: { concurrency: 4 }\nanalysis: { enabled: ${WITH_ANALYSIS} }\n`,
);
let cpuMark = 0;
const pct = (s: number[], p: number) => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

// A ~200 KB JPEG made from a real frame (upscaled, high quality).
const fixture = fs.readFileSync(path.join(root, 'test/fixtures/vtest-day/frame-0001.jpg'));
const frame = await sharp(fixture).resize(1280, 960).jpeg({ quality: 92 }).toBuffer();
// The service never decrypts clips, it only checks the age header: an age header over random bytes stands in.
const ageClip = (size: number) =>
  Buffer.concat([Buffer.from('age-encryption.org/v1\n-> X25519 bench\n'), randomBytes(size - 38)]);
const clip2mb = ageClip(2 * 1024 * 1024);
const clipSha = sha(clip2mb);

const issued = JSON.parse(
  svc.cli(['bootstrap-token', 'create', '--name', 'bench', '--max-uses', String(EDGES), '--json']),
) as { token: string; caCertificatePem: string };
const adminToken = JSON.parse(svc.cli(['token', 'create', '--name', 'bench', '--role', 'admin', '--json']))
  .token as string;
const server = svc.start();
const endpoint = `127.0.0.1:${grpcPort}`;
try {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`http://127.0.0.1:${httpPort}/healthz`);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const caPem = issued.caCertificatePem;
  const edges = await Promise.all(
    (await enrollBenchEdges({ endpoint, caPem, token: issued.token, count: EDGES, prefix: 'ingest' })).map(
      async ({ index: i, transport }) => {
        await edgeClient(EdgeService, transport).syncCapabilities({
          cameras: [{ cameraId: `cam-${i}`, name: `cam-${i}`, online: true, labelledSnapshotCounts: {} }],
        });
        return { camera: `cam-${i}`, events: edgeClient(EventService, transport) };
      },
    ),
  );
  console.log(
    `bench/ingest: ${EDGES} edges, frame ${(frame.length / 1024).toFixed(0)} KB, ${os.cpus().length} cores, analysis ${WITH_ANALYSIS ? 'on' : 'off'}; server RSS ${rssMb(server.pid!).toFixed(0)} MB\n`,
  );

  let seq = 0;
  const upload = (e: (typeof edges)[number]) =>
    e.events.uploadEvent({
      cameraId: e.camera,
      eventKey: `k${seq++}`,
      startedAtMs: BigInt(Date.now() - 1000),
      trigger: TriggerType.ANOMALY,
      frames: [{ image: frame }],
    });
  const report = (name: string, lat: number[], seconds: number, bytesPerCall: number) => {
    const s = [...lat].sort((a, b) => a - b);
    const cpu = ((cpuMs(server.pid!) - cpuMark) / 10 / seconds).toFixed(0);
    cpuMark = cpuMs(server.pid!);
    console.log(
      `${name.padEnd(30)} ${(lat.length / seconds).toFixed(0).padStart(5)} /s  ${((lat.length * bytesPerCall) / seconds / 1048576).toFixed(1).padStart(6)} MB/s  p50 ${pct(s, 50).toFixed(1)} ms  p99 ${pct(s, 99).toFixed(1)} ms  RSS ${rssMb(server.pid!).toFixed(0)} MB  server CPU ${cpu}%`,
    );
  };

  // Events with a frame, closed loop.
  cpuMark = cpuMs(server.pid!);
  let lat: number[] = [];
  let end = performance.now() + SECONDS * 1000;
  if (phases.has('events')) {
    await Promise.all(
      edges.map(async (e) => {
        while (performance.now() < end) {
          const t = performance.now();
          await upload(e);
          lat.push(performance.now() - t);
        }
      }),
    );
    report('events, saturation', lat, SECONDS, frame.length);
    // Accepted is not archived: the archive job copies to the store afterwards. Sustained ingest is
    // what both keep up with, so wait for the backlog to drain.
    const drained = await archiveDrained();
    console.log(
      `${'  archived'.padEnd(30)} ${(lat.length / (SECONDS + drained)).toFixed(0).padStart(5)} /s  sustained (the archive took ${drained.toFixed(1)} s more to catch up)`,
    );
    cpuMark = cpuMs(server.pid!);
  }

  // Events at a fixed 50/s.
  if (phases.has('rate')) {
    lat = [];
    end = performance.now() + SECONDS * 1000;
    const interval = (1000 * EDGES) / 50;
    await Promise.all(
      edges.map(async (e, i) => {
        let next = performance.now() + (i * interval) / EDGES;
        while (next < end) {
          const wait = next - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          const t = performance.now();
          await upload(e);
          lat.push(performance.now() - t);
          next += interval;
        }
      }),
    );
    report('events, fixed 50/s', lat, SECONDS, frame.length);
  }

  // 2 MB clips, closed loop, in 256 KB chunks.
  if (phases.has('clips')) {
    const rssBefore = rssMb(server.pid!);
    lat = [];
    end = performance.now() + SECONDS * 1000;
    await Promise.all(
      edges.map(async (e) => {
        while (performance.now() < end) {
          const { eventId } = await upload(e);
          const t = performance.now();
          await e.events.uploadClip(
            clipUploadMessages(eventId, clip2mb, { chunkBytes: 262144, sha256: clipSha }),
          );
          lat.push(performance.now() - t);
        }
      }),
    );
    report('2 MB clips, saturation', lat, SECONDS, clip2mb.length);
    console.log(
      `${''.padEnd(30)} server RSS ${rssBefore.toFixed(0)} -> ${rssMb(server.pid!).toFixed(0)} MB during clip uploads`,
    );
  }

  // One 200 MB clip, uploaded, then served back by 1 MB ranges.
  if (phases.has('ranges')) await serveByRanges(edges[0]!.events, () => upload(edges[0]!));
} finally {
  await svc.stop(server);
}

/** Seconds until no archive object is pending or uploading (from the service's /metrics). */
async function archiveDrained(): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
    const waiting = [
      ...text.matchAll(/^uservm_archive_objects\{status="(pending|uploading)"\} (\d+)/gm),
    ].reduce((n, m) => n + Number(m[2]), 0);
    if (waiting === 0) return (performance.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function serveByRanges(
  events: Client<typeof EventService>,
  uploadEvent: () => Promise<{ eventId: string }>,
) {
  const big = ageClip(200 * 1024 * 1024);
  const { eventId } = await uploadEvent();
  const bigSha = sha(big);
  await events.uploadClip(clipUploadMessages(eventId, big, { sha256: bigSha }));
  const servedBefore = rssMb(server.pid!);
  let peak = servedBefore;
  const hash = createHash('sha256');
  const t0 = performance.now();
  for (let at = 0; at < big.length; at += 1048576) {
    const res = await fetch(`http://127.0.0.1:${httpPort}/api/v1/events/${eventId}/clip`, {
      headers: {
        authorization: `Bearer ${adminToken}`,
        range: `bytes=${at}-${Math.min(at + 1048575, big.length - 1)}`,
      },
    });
    if (res.status !== 206) throw new Error(`range request answered ${res.status}`);
    hash.update(Buffer.from(await res.arrayBuffer()));
    if ((at / 1048576) % 10 === 0) peak = Math.max(peak, rssMb(server.pid!));
  }
  const seconds = (performance.now() - t0) / 1000;
  if (hash.digest('hex') !== bigSha) throw new Error('served clip differs');
  console.log(
    `${'200 MB clip by 1 MB ranges'.padEnd(30)} ${(200 / seconds).toFixed(0).padStart(5)} MB/s  RSS ${servedBefore.toFixed(0)} -> peak ${peak.toFixed(0)} MB (growth ${(peak - servedBefore).toFixed(0)} MB; target < 50)`,
  );
}
