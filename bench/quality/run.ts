/**
 * bench/quality: detection quality on footage the service has never seen. One camera sample is
 * split in time: the earlier frames are the camera's normal snapshots (training of the edge CAE,
 * its threshold and the baseline see only these), the later frames are evaluation footage, sent as
 * one-frame daytime events: each plain, and each anomaly scene (scenarios.ts) built from them.
 *
 * Prints, per scenario group, whether the expected finding was raised; the share of plain normal
 * frames with any finding (overall and per type) and rated warning/critical; the edge model's
 * AUROC per group and its false-trigger rate on the normal evaluation frames at its threshold.
 *
 *   npm run bench:quality -- [--samples ../shared/samples] [--camera vtest-day] [--split 200]
 *                            [--per-group 8] [--epochs 30] [--until N]
 *
 * `--split 140 --until 200` is the tuning run: it trains on frames 1-140 and evaluates on 141-200,
 * so that design choices are made without ever looking at the frames the figures come from.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { CaeRunner } from '../../src/edge-client/cae-runner.js';
import { TriggerType } from '../../src/gen/guardian/edge/v1/events_pb.js';
import { enrolledTestEdge } from '../../src/test-support/edge.js';
import { recentAt } from '../../src/test-support/scenes.js';
import { testService } from '../../src/test-support/service.js';
import { trainingSchema } from '../../src/config/ml-schema.js';
import { printQuality, type Outcome } from './report.js';
import { buildScenarios, readFrames } from './scenarios.js';

const { values: args } = parseArgs({
  options: {
    samples: { type: 'string', default: path.resolve('../shared/samples') },
    camera: { type: 'string', default: 'vtest-day' },
    split: { type: 'string', default: '200' },
    'per-group': { type: 'string', default: '8' },
    epochs: { type: 'string', default: '30' },
    until: { type: 'string', default: String(Number.MAX_SAFE_INTEGER) },
    /** Print every finding raised on a plain normal frame (what to look at next). */
    verbose: { type: 'boolean', default: false },
  },
});
const dir = path.join(args.samples!, args.camera!);
const index = (f: string) => Number(/(\d+)\.\w+$/.exec(f)?.[1] ?? NaN);
const files = fs
  .readdirSync(dir)
  .filter((f) => /\.(jpe?g|png)$/i.test(f))
  .sort((a, b) => index(a) - index(b));
const split = Number(args.split);
const trainFiles = files.filter((f) => index(f) <= split);
const evalFiles = files.filter((f) => index(f) > split && index(f) <= Number(args.until));
if (trainFiles.length < 5 || evalFiles.length < 2)
  throw new Error(`too few frames around --split ${split} in ${dir}`);
console.log(
  `${args.camera}: ${trainFiles.length} earlier frames (<= ${split}) for training and the baseline, ` +
    `${evalFiles.length} later frames for evaluation only`,
);

const owner = await identityToRecipient(await generateIdentity());
const svc = await testService({
  'edgeApi.port': 0,
  'archive.recipients': [owner],
  'cameras.minNormalSnapshots': trainFiles.length,
  'training.epochs': Number(args.epochs),
  'training.minSteps': trainingSchema.parse({}).minSteps,
  'jobs.pollIntervalMs': 20,
  'log.level': 'silent',
});
await svc.service.edges.start();
svc.service.jobs.runner.start();
const auth = { authorization: `Bearer ${svc.adminToken}` };
const get = async (url: string) => (await svc.service.http.inject({ url, headers: auth })).json();
const edge = await enrolledTestEdge(svc.service, 'bench-quality', ['cam']);

// 1. The earlier footage, as labelled normal daytime snapshots; training and the baseline follow.
const trainFrames = await readFrames(dir, trainFiles);
await edge.datasets.uploadSnapshots(
  (async function* () {
    for (const [i, image] of trainFrames.entries())
      yield {
        cameraId: 'cam',
        label: 'normal',
        image,
        capturedAtMs: BigInt(recentAt(10, 0) - (trainFrames.length - i) * 400),
        conditions: { light: 'day', weather: '', season: '' },
      };
  })(),
);
await edge.edge.syncCapabilities({
  cameras: [
    { cameraId: 'cam', name: 'cam', online: true, labelledSnapshotCounts: { normal: trainFrames.length } },
  ],
});
const started = performance.now();
let job:
  | { id: string; status: string; modelId: string | null; progress?: { epoch?: number; epochs?: number } }
  | undefined;
for (let last = -1; job?.status !== 'succeeded'; await new Promise((r) => setTimeout(r, 500))) {
  job = (await get('/api/v1/training-jobs?cameraId=cam')).items?.[0];
  if (job?.status === 'failed' || job?.status === 'cancelled') throw new Error(`training ${job.status}`);
  const epoch = job?.progress?.epoch ?? 0;
  if (epoch !== last && epoch % 5 === 0 && epoch > 0)
    console.log(`  training epoch ${epoch}/${job?.progress?.epochs}`);
  last = epoch;
}
while (
  (await svc.service.http.inject({ url: '/api/v1/cameras/cam/baseline', headers: auth })).statusCode !== 200
)
  await new Promise((r) => setTimeout(r, 200));
console.log(`trained and baseline built in ${((performance.now() - started) / 1000).toFixed(0)} s`);

// 2. The edge's model as the edge runs it (its own `score` output against its threshold).
const model = await get(`/api/v1/models/${job.modelId}`);
const download = await svc.service.http.inject({
  url: `/api/v1/models/${job.modelId}/download`,
  headers: auth,
});
const modelFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'uvm-quality-')), 'cae.onnx');
fs.writeFileSync(modelFile, download.rawPayload);
const shape = (model.inputShape ?? [1, 3, 128, 128]) as number[];
const runner = await CaeRunner.load({
  file: modelFile,
  assignment: { inputSize: `${shape[3]}x${shape[2]}`, threshold: model.threshold } as never,
});

// 3. The later footage: every frame plain, and the anomaly scenes built from it.
const scenarios = await buildScenarios(
  await readFrames(dir, evalFiles),
  path.join(args.samples!, 'images'),
  Number(args['per-group']),
);
const outcomes: Outcome[] = [];
const latencies: number[] = [];
let n = 0;
const one = async (s: (typeof scenarios)[number]) => {
  const i = n++;
  const at = recentAt(9 + (i % 8), (i * 7) % 60);
  const t0 = performance.now();
  const res = await edge.events.uploadEvent({
    cameraId: 'cam',
    eventKey: `q${i}`,
    startedAtMs: BigInt(at),
    trigger: TriggerType.ANOMALY,
    frames: [{ image: s.frame, capturedAtMs: BigInt(at) }],
    conditions: { light: 'day', weather: '', season: '' },
  });
  let status = '';
  while (status !== 'analyzed' && status !== 'failed') {
    await new Promise((r) => setTimeout(r, 20));
    status = (await get(`/api/v1/events/${res.eventId}`)).analysisStatus;
  }
  latencies.push(performance.now() - t0);
  const report = await get(`/api/v1/events/${res.eventId}/report`);
  const edgeScore = (await runner.score(s.frame)).score;
  if (args.verbose && s.expect && !(report.findings ?? []).some((f: { type: string }) => f.type === s.expect))
    console.log(
      `  missed ${s.group} ${i}: detections ${JSON.stringify(
        (report.inputs?.frames?.[0]?.detections ?? []).map(
          (d: { label: string; score: number; box: { x1: number; y1: number; x2: number; y2: number } }) =>
            `${d.label} ${d.score.toFixed(2)} y2=${Math.round(d.box.y2)} x=${Math.round(d.box.x1)} h=${Math.round(d.box.y2 - d.box.y1)}`,
        ),
      )}`,
    );
  if (args.verbose && s.kind === 'normal')
    for (const f of report.findings ?? [])
      console.log(
        `  normal frame ${i}: ${f.type} ${f.label ?? ''} ${JSON.stringify(f.box ?? null)} ${JSON.stringify(f.evidence)}`,
      );
  outcomes.push({
    ...s,
    findings: (report.findings ?? []).map((f: { type: string }) => f.type),
    details: (report.findings ?? []).map(
      (f: { type: string; label?: string; evidence?: { subtype?: string } }) =>
        `${f.type}:${f.label ?? f.evidence?.subtype ?? ''}`,
    ),
    level: report.risk?.level ?? 'normal',
    edgeScore,
  });
};
for (let k = 0; k < scenarios.length; k += 2) await Promise.all(scenarios.slice(k, k + 2).map(one));
await svc.close();

printQuality(outcomes, runner.threshold, latencies);
if (args.verbose) {
  const cal = model.metrics?.calibration;
  console.log(`held-out normal scores: ${JSON.stringify(cal?.normal)}, margin ${cal?.margin}`);
  console.log(
    `normal evaluation frames' edge scores: ${outcomes
      .filter((o) => o.kind === 'normal')
      .map((o) => o.edgeScore.toFixed(2))
      .join(' ')}`,
  );
}
