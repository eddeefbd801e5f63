/**
 * bench/detect: per-frame latency (p50/p99) of the detector at 768x576 on one worker, and
 * throughput with 1 and 2 workers (scaling factor), with memory per worker, for CenterNet on
 * onnxruntime and on tfjs side by side, without and with the small-object pass, and how closely
 * the two runtimes agree. Frames are the vtest camera's (768x576). YOLO is measured too when
 * BENCH_YOLO points at a YOLOv8/YOLO11 ONNX file.
 *
 *   npm run bench:detect            (BENCH_FRAMES=60 by default)
 */
import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { DetectionService } from '../../src/vision/detection-service.js';
import { detectorSpec } from '../../src/vision/detector-factory.js';
import { loadConfig } from '../../src/config/load.js';
import { iou } from '../../src/vision/postprocess.js';

const framesDir = fileURLToPath(new URL('../../test/fixtures/vtest-baseline/', import.meta.url));
const count = Number(process.env.BENCH_FRAMES ?? 60);
const files = (await readdir(framesDir)).filter((f) => f.endsWith('.jpg'));
const frames = await Promise.all(files.map((f) => readFile(framesDir + f)));
const log = pino({ level: 'silent' });

const pct = (v: number[], p: number) =>
  [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor((p / 100) * v.length))]!;

interface Variant {
  detector: 'centernet' | 'yolo';
  runtime?: 'onnx' | 'tfjs';
  smallObjectSide?: number;
  threads?: number;
}

async function measure(v: Variant) {
  const { detector } = v;
  const label = `${detector}${v.runtime ? `/${v.runtime}` : ''}${v.threads ? ` threads=${v.threads}` : ''} side=${v.smallObjectSide ?? 0}`;
  const overrides: Record<string, unknown> = {
    'vision.detector': detector,
    'vision.smallObjectSide': v.smallObjectSide ?? 0,
    ...(v.runtime ? { 'vision.runtime': v.runtime } : {}),
    ...(v.threads ? { 'vision.onnxThreads': v.threads } : {}),
    ...(detector === 'yolo' ? { 'vision.yoloModelPath': process.env.BENCH_YOLO } : {}),
  };
  const spec = detectorSpec(loadConfig({ env: {}, overrides }).vision);
  const rows: string[] = [];
  let perWorker1 = 0;
  for (const workers of v.threads && v.threads > 1 ? [1] : [1, 2]) {
    const rssBefore = process.memoryUsage().rss;
    const service = new DetectionService(spec, { workers, maxQueue: 10_000 }, log);
    // Warm-up: every worker loads its model.
    await Promise.all(
      Array.from({ length: workers * 2 }, (_, i) => service.detect({ image: frames[i % frames.length]! })),
    );
    const rssLoaded = process.memoryUsage().rss;
    const latencies: number[] = [];
    if (workers === 1) {
      for (let i = 0; i < Math.min(count, 40); i++) {
        const t = performance.now();
        await service.detect({ image: frames[i % frames.length]! });
        latencies.push(performance.now() - t);
      }
    }
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: count }, (_, i) => service.detect({ image: frames[i % frames.length]! })),
    );
    const fps = count / ((performance.now() - t0) / 1000);
    if (workers === 1) perWorker1 = fps;
    await service.close();
    const memPerWorker = (rssLoaded - rssBefore) / workers / 2 ** 20;
    rows.push(
      `${label.padEnd(34)} workers=${workers}  ${workers === 1 ? `p50 ${pct(latencies, 50).toFixed(0)} ms  p99 ${pct(latencies, 99).toFixed(0)} ms  ` : ''}throughput ${fps.toFixed(2)} frames/s${workers > 1 ? `  scaling x${(fps / perWorker1).toFixed(2)}` : ''}  ~${memPerWorker.toFixed(0)} MB/worker`,
    );
  }
  return rows;
}

/** Detections of both runtimes on every distinct frame: matched by label and IoU, worst differences. */
async function agreement(smallObjectSide: number) {
  const run = async (runtime: 'onnx' | 'tfjs') => {
    const spec = detectorSpec(
      loadConfig({
        env: {},
        overrides: { 'vision.runtime': runtime, 'vision.smallObjectSide': smallObjectSide },
      }).vision,
    );
    const service = new DetectionService(spec, { workers: 1, maxQueue: 1000 }, log);
    const out = [];
    for (const f of frames) out.push((await service.detect({ image: f })).detections);
    await service.close();
    return out;
  };
  const [onnx, tfjs] = [await run('onnx'), await run('tfjs')];
  let objects = 0;
  let unmatched = 0;
  let worstIou = 1;
  let worstScore = 0;
  for (const [i, list] of tfjs.entries()) {
    if (list.length !== onnx[i]!.length) unmatched += Math.abs(list.length - onnx[i]!.length);
    for (const d of list) {
      objects++;
      const best = onnx[i]!.filter((e) => e.label === d.label).sort(
        (a, b) => iou(b.box, d.box) - iou(a.box, d.box),
      )[0];
      if (!best || iou(best.box, d.box) < 0.5) {
        unmatched++;
        continue;
      }
      worstIou = Math.min(worstIou, iou(best.box, d.box));
      worstScore = Math.max(worstScore, Math.abs(best.score - d.score));
    }
  }
  console.log(
    `agreement side=${smallObjectSide}: ${objects} tfjs detections on ${frames.length} frames, ${unmatched} without a twin, worst IoU ${worstIou.toFixed(3)}, worst score difference ${worstScore.toFixed(4)}`,
  );
}

console.log(`${count} frames of 768x576 (${files.length} distinct)`);
for (const smallObjectSide of [0, 768])
  for (const runtime of ['onnx', 'tfjs'] as const)
    for (const row of await measure({ detector: 'centernet', runtime, smallObjectSide })) console.log(row);
for (const row of await measure({ detector: 'centernet', runtime: 'onnx', smallObjectSide: 0, threads: 2 }))
  console.log(row);
await agreement(0);
await agreement(768);
if (process.env.BENCH_YOLO) for (const row of await measure({ detector: 'yolo' })) console.log(row);
else console.log('yolo: set BENCH_YOLO=/path/to/yolov8n.onnx to measure it');
