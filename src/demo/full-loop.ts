/**
 * The whole system the way an Edge Appliance uses it, in one process on loopback: the service
 * with its embedded defaults, a simulated edge over real mTLS gRPC (reference client library),
 * real frames of a fixed outdoor camera, some altered to contain anomalies. Used by the demo
 * (`npm run demo`) and the end-to-end test.
 *
 * enrol -> sync -> dataset -> (automatic) training -> deployment -> edge installs and activates the
 * model -> (automatic) baseline -> the edge plays frames, scores them with the model, sends events
 * with an age-encrypted clip -> analysis -> reports.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Encrypter, generateIdentity, identityToRecipient } from 'age-encryption';
import { composeService, type Service } from '../app/compose.js';
import { loadConfig } from '../config/load.js';
import type { Logger } from '../logging/logger.js';
import { EdgeSession } from '../edge-client/edge-session.js';
import { CaeRunner } from '../edge-client/cae-runner.js';
import type { EventReport } from '../analysis/analysis-service.js';
import {
  busOnLawn,
  crowd,
  lensCovered,
  loadSceneKit,
  personOnLawnAtNight,
  vanRemoved,
  recentAt,
} from '../test-support/scenes.js';

export interface LoopOptions {
  dataDir: string;
  log: Logger;
  say: (line: string) => void;
  /** REST port (0: any). */
  httpPort?: number;
  epochs?: number;
}

export interface LoopResult {
  service: Service;
  edge: EdgeSession;
  ownerIdentity: string;
  adminToken: string;
  events: { name: string; eventId: string; edgeScore: number; report: EventReport }[];
  quiet: { name: string; edgeScore: number }[];
  close(): Promise<void>;
}

const CAMERA = 'front';
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs = 300_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await wait(100);
  }
}

export async function runFullLoop(o: LoopOptions): Promise<LoopResult> {
  const owner = await generateIdentity();
  const ownerRecipient = await identityToRecipient(owner);
  fs.mkdirSync(o.dataDir, { recursive: true });
  fs.writeFileSync(path.join(o.dataDir, 'owner.key'), `${owner}\n`, { mode: 0o600 });
  const config = loadConfig({
    env: {},
    overrides: {
      dataDir: o.dataDir,
      'server.port': o.httpPort ?? 0,
      'edgeApi.port': 0,
      'archive.recipients': [ownerRecipient],
      'cameras.minNormalSnapshots': 10,
      'training.epochs': o.epochs ?? 40,
      'training.patience': o.epochs ?? 40,
      // The demo's ten snapshots are one batch an epoch: 200 steps (~20 s here) train it well
      // enough to trigger on the crowd; the product's 600 would triple the demo's wait.
      'training.minSteps': 200,
      'jobs.pollIntervalMs': 50,
      'jobs.leaseMs': 3000,
    },
  });
  let adminToken = '';
  const service = await composeService(config, o.log, { onInitialAdminToken: (t) => (adminToken = t) });
  service.jobs.runner.start();
  service.jobs.scheduler.start();
  await service.edges.start();
  await service.http.listen({ host: '127.0.0.1', port: config.server.port });
  const api = async (method: string, url: string, body?: unknown) => {
    const res = await service.http.inject({
      method: method as 'GET',
      url,
      headers: { authorization: `Bearer ${adminToken}` },
      ...(body ? { payload: body as object } : {}),
    });
    if (res.statusCode >= 400) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.json();
  };

  // 1. The owner makes a bootstrap token; the edge enrols with it over TLS and keeps its identity.
  const endpoint = `127.0.0.1:${service.edges.grpcAddress!.port}`;
  const { token } = await service.edges.bootstrapTokens.create({
    name: 'demo-home',
    allowedCameras: [CAMERA],
  });
  const edge = await EdgeSession.enroll({
    endpoint,
    grpcEndpoint: endpoint,
    caPem: service.edges.ca.certPem,
    token,
    name: 'demo-edge',
    stateDir: path.join(o.dataDir, 'edge'),
  });
  o.say(`edge enrolled: ${edge.edgeId} (mTLS client certificate from the service's CA)`);
  await edge.sync([{ id: CAMERA, normalSnapshots: 0 }]);

  // 2. Labelled normal snapshots of the fixed camera (daytime), streamed over gRPC.
  const kit = await loadSceneKit();
  const up = await edge.uploadSnapshots(
    CAMERA,
    kit.frames.map((image, i) => ({
      label: 'normal',
      image,
      capturedAt: recentAt(9 + (i % 8), i * 5),
      conditions: { light: 'day', weather: 'clear', season: 'autumn' },
    })),
  );
  o.say(`dataset: ${up.accepted} normal snapshots uploaded (${up.duplicates} duplicates)`);

  // 3. Enough normal snapshots: the camera is ready and training starts on its own.
  await edge.sync([{ id: CAMERA, normalSnapshots: kit.frames.length }]);
  const job = await until(
    'training to start',
    async () =>
      (await api('GET', `/api/v1/training-jobs?cameraId=${CAMERA}`)).items[0] as { id: string } | undefined,
  );
  let lastEpoch = 0;
  const trained = await until('training to finish', async () => {
    const j = await api('GET', `/api/v1/training-jobs/${job.id}`);
    const e = j.progress?.epoch as number | undefined;
    if (e && e !== lastEpoch && (e % 10 === 0 || e === j.progress.epochs))
      o.say(
        `  training epoch ${e}/${j.progress.epochs}: validation loss ${Number(j.progress.valLoss).toFixed(5)}`,
      );
    lastEpoch = e ?? lastEpoch;
    if (j.status === 'failed' || j.status === 'cancelled')
      throw new Error(`training ${j.status}: ${j.error}`);
    return j.status === 'succeeded' ? j : undefined;
  });
  o.say(
    `model trained: ${trained.modelId} (threshold ${Number(trained.metrics.calibration.threshold).toExponential(2)}, ONNX export checked: max diff ${Number(trained.metrics.exportMaxAbsDiff).toExponential(1)})`,
  );

  // 4. The owner deploys it; the edge downloads, verifies and activates it.
  await api('POST', '/api/v1/deployments', {
    modelId: trained.modelId,
    target: { cameras: [CAMERA] },
    strategy: 'all_at_once',
  });
  const installed = await edge.installModel(CAMERA);
  const runner = await CaeRunner.load(installed);
  await edge.reportActivated(installed, { triggerRatePerHour: 1, inferenceLatencyMs: 5 });
  o.say(`edge activated model ${installed.assignment.version} for camera ${CAMERA} (sha256 verified)`);
  await until(
    'the baseline',
    async () =>
      (
        await service.http.inject({
          url: `/api/v1/cameras/${CAMERA}/baseline`,
          headers: { authorization: `Bearer ${adminToken}` },
        })
      ).statusCode === 200,
  );

  // 5. The edge plays the camera: quiet moments and moments with something wrong in them.
  const moments = [
    {
      name: 'a quiet morning',
      hour: 10,
      light: 'day',
      frames: [kit.frames[1]!, kit.frames[2]!, kit.frames[3]!],
    },
    {
      name: 'a bus on the lawn',
      hour: 11,
      light: 'day',
      frames: await Promise.all([4, 5, 6].map((i) => busOnLawn(kit, kit.frames[i]!))),
    },
    {
      name: 'the parked van is gone',
      hour: 13,
      light: 'day',
      frames: await Promise.all([6, 7].map((i) => vanRemoved(kit.frames[i]!))),
    },
    { name: 'a crowd on the lawn', hour: 15, light: 'day', frames: [await crowd(kit, kit.frames[8]!)] },
    {
      name: 'someone on the lawn at night',
      hour: 3,
      light: 'night',
      frames: await Promise.all([0, 1, 2].map((i) => personOnLawnAtNight(kit, kit.frames[i]!, 290 + i * 6))),
    },
    {
      name: 'the lens is covered',
      hour: 22,
      light: 'night',
      frames: [await lensCovered(), await lensCovered()],
    },
  ];
  const events: LoopResult['events'] = [];
  const quiet: LoopResult['quiet'] = [];
  for (const [n, m] of moments.entries()) {
    const scores = await Promise.all(m.frames.map((f) => runner.score(f)));
    const edgeScore = Math.max(...scores.map((s) => s.score));
    if (edgeScore <= runner.threshold) {
      quiet.push({ name: m.name, edgeScore });
      o.say(`edge: "${m.name}": score ${edgeScore.toExponential(2)} <= threshold, no event`);
      continue;
    }
    const at = recentAt(m.hour, 10 + n);
    const frames = m.frames.map((image, i) => ({ image, capturedAt: at + i * 2000 }));
    const { eventId } = await edge.uploadEvent({
      cameraId: CAMERA,
      key: `demo-${n}-${at}`,
      startedAt: at,
      frames,
      edgeScore,
      threshold: runner.threshold,
      modelId: installed.assignment.modelId,
      modelVersion: installed.assignment.version,
      light: m.light,
    });
    // The clip: the frames as a motion-JPEG stream, encrypted on the edge to the owner.
    const e = new Encrypter();
    e.addRecipient(ownerRecipient);
    await edge.uploadClip(eventId, await e.encrypt(Buffer.concat(m.frames)));
    o.say(
      `edge: "${m.name}": score ${edgeScore.toExponential(2)} > threshold, event ${eventId} sent with its encrypted clip`,
    );
    events.push({ name: m.name, eventId, edgeScore, report: undefined as unknown as EventReport });
  }
  await edge.reportTelemetry([
    {
      cameraId: CAMERA,
      fps: 10,
      inferenceLatencyMs: 5,
      triggerRatePerHour: events.length,
      modelVersion: installed.assignment.version,
    },
  ]);
  await runner.close();
  for (const e of events) {
    e.report = await until(`the analysis of ${e.eventId}`, async () => {
      const res = await service.http.inject({
        url: `/api/v1/events/${e.eventId}/report`,
        headers: { authorization: `Bearer ${adminToken}` },
      });
      return res.statusCode === 200 ? (res.json() as EventReport) : undefined;
    });
  }
  return {
    service,
    edge,
    ownerIdentity: owner,
    adminToken,
    events,
    quiet,
    close: () => service.close(2000),
  };
}
