/**
 * bench/train: the CAE training benchmark of issue 5. The identical architecture and data size in
 * tfjs (wasm backend, with the native kernels where built; 1 and 2 worker threads) and, where
 * Debian's python3-torch is installed, PyTorch on the same machine (pytorch_cae.py, 1 and 2
 * threads): 200 images, 128x128, batch 16, 30 epochs (change with BENCH_IMAGES / BENCH_EPOCHS).
 * Prints wall time, seconds per epoch and peak RSS for each.
 *
 *   npm run bench:train
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { loadImageSet } from '../../src/training/preprocess.js';
import { LocalReplicaGroup, WorkerReplicaGroup } from '../../src/training/replica-group.js';
import { trainCae, type TrainingParams } from '../../src/training/trainer.js';
import { DEFAULT_ARCHITECTURE } from '../../src/training/cae-architecture.js';
import { parameterCount } from '../../src/training/cae-parameters.js';
import { nativeKernels } from '../../src/ml/native-kernels.js';

const images = Number(process.env.BENCH_IMAGES ?? 200);
const epochs = Number(process.env.BENCH_EPOCHS ?? 30);
const fixtures = fileURLToPath(new URL('../../test/fixtures/vtest-train/', import.meta.url));

const files = (await readdir(fixtures)).filter((f) => f.endsWith('.jpg'));
const frames = await Promise.all(files.map((f) => readFile(fixtures + f)));
const set = await loadImageSet(images, async (i) => frames[i % frames.length]!, { width: 128, height: 128 });

const params: TrainingParams = {
  arch: DEFAULT_ARCHITECTURE,
  epochs,
  batchSize: 16,
  learningRate: 1e-3,
  // Everything trains (as in the PyTorch script); one image is held out because the trainer needs one.
  validationSplit: 0.005,
  patience: epochs + 1,
  minDelta: 0,
  seed: 1,
  augment: null,
};

console.log(
  `CAE ${JSON.stringify(DEFAULT_ARCHITECTURE)}, ${parameterCount(DEFAULT_ARCHITECTURE)} parameters`,
);
console.log(`${images} images 128x128, batch 16, ${epochs} epochs`);
console.log(`tfjs kernels: native ${nativeKernels().reason} (UVM_NATIVE_KERNELS=off for wasm only)\n`);
const rows: string[][] = [['run', 'wall s', 's/epoch', 'final loss', 'peak RSS MB']];

for (const workers of [1, 2]) {
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200);
  const group =
    workers === 1 ? new LocalReplicaGroup() : new WorkerReplicaGroup(workers, pino({ level: 'silent' }));
  const t0 = performance.now();
  const result = await trainCae(set, params, group, {
    onEpoch: (r) =>
      process.stderr.write(
        `\r  tfjs x${workers}: epoch ${r.epoch}/${r.epochs} loss ${r.trainLoss.toFixed(5)} eta ${r.etaSeconds.toFixed(0)} s   `,
      ),
  });
  const wall = (performance.now() - t0) / 1000;
  await group.close();
  clearInterval(sampler);
  process.stderr.write('\n');
  // Worker threads share the process, so RSS covers them too.
  rows.push([
    `tfjs, ${workers} thread${workers > 1 ? 's' : ''}`,
    wall.toFixed(1),
    (wall / result.history.length).toFixed(2),
    result.history.at(-1)!.trainLoss.toFixed(5),
    (peak / 2 ** 20).toFixed(0),
  ]);
}

// Debian's python3-torch is installed for /usr/bin/python3, which may not be the python3 on PATH.
const python = [process.env.BENCH_PYTHON, 'python3', '/usr/bin/python3'].find(
  (p) => p && spawnSync(p, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0,
);
for (const threads of python ? [1, 2] : []) {
  const out = execFileSync(
    python!,
    [
      fileURLToPath(new URL('./pytorch_cae.py', import.meta.url)),
      String(images),
      String(epochs),
      String(threads),
    ],
    { env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: String(threads) } },
  ).toString();
  const r = JSON.parse(out.trim().split('\n').at(-1)!) as {
    wall: number;
    perEpoch: number;
    loss: number;
    peakRssMb: number;
  };
  rows.push([
    `PyTorch, ${threads} thread${threads > 1 ? 's' : ''}`,
    r.wall.toFixed(1),
    r.perEpoch.toFixed(2),
    r.loss.toFixed(5),
    r.peakRssMb.toFixed(0),
  ]);
}
if (!python) rows.push(['PyTorch', 'not installed (apt-get install python3-torch)', '', '', '']);
for (const row of rows) console.log(row.map((c, i) => c.padEnd(i === 0 ? 24 : 12)).join(' '));
