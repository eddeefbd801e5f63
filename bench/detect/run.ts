/**
 * bench/detect: per-frame latency (p50/p99) of the detector at 768x576 on one worker, and
 * throughput with 1 and 2 workers (scaling factor), with memory per worker. Frames are the vtest
 * camera's (768x576). YOLO is measured too when BENCH_YOLO points at a YOLOv8/YOLO11 ONNX file.
 *
 *   npm run bench:detect            (BENCH_FRAMES=60 by default)
 */
import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { DetectionService } from '../../src/vision/detection-service.js';
import { detectorSpec } from '../../src/vision/detector-factory.js';
import { loadConfig } from '../../src/config/load.js';

const framesDir = fileURLToPath(new URL('../../test/fixtures/vtest-baseline/', import.meta.url));
const count = Number(process.env.BENCH_FRAMES ?? 60);
const files = (await readdir(framesDir)).filter((f) => f.endsWith('.jpg'));
const frames = await Promise.all(files.map((f) => readFile(framesDir + f)));
const log = pino({ level: 'silent' });

const pct = (v: number[], p: number) =>
  [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor((p / 100) * v.length))]!;

async function measure(detector: 'centernet' | 'yolo') {
  const overrides: Record<string, unknown> = {
    'vision.detector': detector,
    ...(detector === 'yolo' ? { 'vision.yoloModelPath': process.env.BENCH_YOLO } : {}),
  };
  const spec = detectorSpec(loadConfig({ env: {}, overrides }).vision);
  const rows: string[] = [];
  let perWorker1 = 0;
  for (const workers of [1, 2]) {
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
      `${detector.padEnd(10)} workers=${workers}  ${workers === 1 ? `p50 ${pct(latencies, 50).toFixed(0)} ms  p99 ${pct(latencies, 99).toFixed(0)} ms  ` : ''}throughput ${fps.toFixed(2)} frames/s${workers > 1 ? `  scaling x${(fps / perWorker1).toFixed(2)}` : ''}  ~${memPerWorker.toFixed(0)} MB/worker`,
    );
  }
  return rows;
}

console.log(`${count} frames of 768x576 (${files.length} distinct)`);
for (const row of await measure('centernet')) console.log(row);
if (process.env.BENCH_YOLO) for (const row of await measure('yolo')) console.log(row);
else console.log('yolo: set BENCH_YOLO=/path/to/yolov8n.onnx to measure it');
