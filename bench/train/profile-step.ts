/**
 * Where one CAE training step's time goes: the step (gradients + Adam) on one thread, then tfjs's
 * per-kernel times grouped by kernel and input shapes. Batch 16 at 128x128 unless BENCH_BATCH.
 *
 *   node --import tsx bench/train/profile-step.ts      (UVM_NATIVE_KERNELS=off: wasm kernels only)
 */
import { loadTf } from '../../src/ml/tfjs-wasm.js';
import { nativeKernels } from '../../src/ml/native-kernels.js';
import { DEFAULT_ARCHITECTURE } from '../../src/training/cae-architecture.js';
import { flattenParameters, initParameters } from '../../src/training/cae-parameters.js';
import { LocalReplicaGroup } from '../../src/training/replica-group.js';

const tf = await loadTf();
const batch = Number(process.env.BENCH_BATCH ?? 16);
const arch = DEFAULT_ARCHITECTURE;
const count = batch;
const images = {
  count,
  height: 128,
  width: 128,
  data: new Float32Array(count * 128 * 128 * 3).map((_, i) => (i % 251) / 251),
};
const group = new LocalReplicaGroup();
await group.init({
  arch,
  params: flattenParameters(initParameters(arch, 1)),
  learningRate: 1e-3,
  images,
  augment: null,
});
const shares = [{ indices: Array.from({ length: batch }, (_, i) => i) }];
for (let i = 0; i < 3; i++) await group.step(shares);
const steps = 10;
const t0 = performance.now();
for (let i = 0; i < steps; i++) await group.step(shares);
console.log(`kernels: native ${nativeKernels().reason}`);
console.log(`step ${((performance.now() - t0) / steps).toFixed(1)} ms (batch ${batch}, one thread)\n`);

const profile = await tf.profile(async () => {
  await group.step(shares);
});
const byShape = new Map<string, number>();
const byName = new Map<string, number>();
for (const k of profile.kernels) {
  const ms = (await k.kernelTimeMs) as number;
  const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
  byShape.set(key, (byShape.get(key) ?? 0) + ms);
  byName.set(k.name, (byName.get(k.name) ?? 0) + ms);
}
const print = (m: Map<string, number>, n: number) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .forEach(([k, ms]) => console.log(ms.toFixed(1).padStart(7), k));
console.log('kernel ms by kernel and input shapes (top 20):');
print(byShape, 20);
console.log('\nkernel ms by kernel:');
print(byName, 15);
await group.close();
