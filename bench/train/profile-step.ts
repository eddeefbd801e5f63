/**
 * Per-kernel time of one CAE training step (batch 16, 128x128) on one thread, grouped by kernel
 * name and input shapes: where a step's time goes. `node --import tsx bench/train/profile-step.ts`
 */
import { loadTf } from '../../src/ml/tfjs-wasm.js';
import { DEFAULT_ARCHITECTURE } from '../../src/training/cae-architecture.js';
import { CaeReplica } from '../../src/training/cae-replica.js';
import { flattenParameters, initParameters } from '../../src/training/cae-parameters.js';

const tf = await loadTf();
const batch = Number(process.env.BENCH_BATCH ?? 16);
const arch = DEFAULT_ARCHITECTURE;
const replica = await CaeReplica.create(arch, flattenParameters(initParameters(arch, 1)), 1e-3);
const input = new Float32Array(batch * 128 * 128 * 3).map((_, i) => (i % 251) / 251);
for (let i = 0; i < 3; i++) replica.applyGradients(replica.gradients(input, batch).grads);
const steps = 5;
const t0 = performance.now();
for (let i = 0; i < steps; i++) replica.applyGradients(replica.gradients(input, batch).grads);
console.log(`step ${((performance.now() - t0) / steps).toFixed(1)} ms (batch ${batch})`);
const prof = await tf.profile(() => {
  replica.applyGradients(replica.gradients(input, batch).grads);
});
const byKey = new Map<string, number>();
const byName = new Map<string, number>();
for (const k of prof.kernels) {
  const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
  const ms = (await k.kernelTimeMs) as number;
  byKey.set(key, (byKey.get(key) ?? 0) + ms);
  byName.set(k.name, (byName.get(k.name) ?? 0) + ms);
}
const top = [...byKey].sort((a, b) => b[1] - a[1]).slice(0, 30);
for (const [k, ms] of top) console.log(ms.toFixed(1).padStart(7), k);
console.log('--');
for (const [k, ms] of [...byName].sort((a, b) => b[1] - a[1])) console.log(ms.toFixed(1).padStart(7), k);
