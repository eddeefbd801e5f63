import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { maxRelativeDiff } from '../test-support/float-compare.js';
import { loadTf } from './tfjs-wasm.js';
import { nativeKernels } from './native-kernels.js';
import { processEnv } from '../config/process-env.js';

const native = nativeKernels();

/** Runs `f` on the wasm backend (native kernels) and on the cpu reference; compares every output. */
async function sameOnBothBackends(label: string, f: () => tf.Tensor[]): Promise<void> {
  await loadTf();
  const run = async (backend: string) => {
    await tf.setBackend(backend);
    return tf.tidy(() => f().map((t) => t.dataSync() as Float32Array));
  };
  const wasm = await run('wasm');
  const cpu = await run('cpu');
  await tf.setBackend('wasm');
  wasm.forEach((w, i) => {
    const diff = maxRelativeDiff(w, cpu[i]!);
    assert.ok(diff < 1e-5, `${label} output ${i} differs from the cpu backend by ${diff}`);
  });
}

const rnd = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);

interface ConvCase {
  x: [number, number, number, number];
  k: [number, number];
  co: number;
  stride: [number, number];
  pad: 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];
}

const convCases: ConvCase[] = [
  { x: [2, 16, 16, 3], k: [3, 3], co: 8, stride: [2, 2], pad: 'same' },
  { x: [3, 15, 17, 4], k: [3, 3], co: 5, stride: [2, 2], pad: 'same' },
  { x: [2, 12, 10, 3], k: [4, 4], co: 6, stride: [2, 2], pad: 'same' },
  { x: [1, 9, 9, 2], k: [3, 3], co: 4, stride: [1, 1], pad: 'same' },
  { x: [2, 11, 13, 3], k: [3, 3], co: 4, stride: [2, 2], pad: 'valid' },
  { x: [2, 10, 10, 2], k: [5, 3], co: 3, stride: [3, 1], pad: 'same' },
  { x: [1, 8, 8, 5], k: [1, 1], co: 7, stride: [1, 1], pad: 'valid' },
  {
    x: [2, 9, 7, 3],
    k: [3, 2],
    co: 4,
    stride: [2, 1],
    pad: [
      [0, 0],
      [1, 2],
      [0, 1],
      [0, 0],
    ],
  },
  // Big enough to span several im2col row blocks (64 Ki floats each).
  { x: [4, 64, 64, 16], k: [3, 3], co: 32, stride: [2, 2], pad: 'same' },
];

describe('native conv kernels (OpenBLAS)', () => {
  it('are built and loaded where CI requires them', () => {
    if (processEnv('requireNative') === '1') assert.ok(native.kernels, native.reason);
  });

  const maybe = native.kernels ? it : it.skip;

  maybe('conv2d, its gradients and conv2dTranspose match the cpu backend', async () => {
    for (const [i, c] of convCases.entries()) {
      await sameOnBothBackends(`conv ${JSON.stringify(c)}`, () => {
        const x = rnd(c.x, 10 + i) as tf.Tensor4D;
        const w = rnd([...c.k, c.x[3], c.co], 20 + i) as tf.Tensor4D;
        const f = (xi: tf.Tensor4D, wi: tf.Tensor4D) => tf.sum(tf.square(tf.conv2d(xi, wi, c.stride, c.pad)));
        const [dx, dw] = tf.grads(f as (...a: tf.Tensor[]) => tf.Tensor)([x, w]);
        const y = tf.conv2d(x, w, c.stride, c.pad);
        return [y, dx!, dw!, tf.conv2dTranspose(y, w, c.x, c.stride, c.pad)];
      });
    }
  });

  maybe('fused conv2d with bias and relu (and the cases left to the wasm kernels) match', async () => {
    await sameOnBothBackends('fused conv2d', () => {
      const x = rnd([2, 13, 11, 6], 1) as tf.Tensor4D;
      const w = rnd([3, 3, 6, 9], 2) as tf.Tensor4D;
      const bias = rnd([9], 3);
      return [
        tf.fused.conv2d({ x, filter: w, bias, strides: 2, pad: 'same', activation: 'relu' }),
        tf.fused.conv2d({ x, filter: w, bias, strides: 1, pad: 'valid' }),
        tf.fused.conv2d({ x, filter: w, strides: 1, pad: 'same', activation: 'elu' }),
        tf.conv2d(x, w, 1, 'same', 'NHWC', 2),
      ];
    });
  });

  maybe('matMul (transposes, batches, broadcast) and fused matMul match', async () => {
    await sameOnBothBackends('matMul', () => {
      const a = rnd([2, 7, 5], 4);
      const b = rnd([2, 5, 3], 5);
      const at = tf.transpose(a, [0, 2, 1]);
      const bt = tf.transpose(b, [0, 2, 1]);
      const a2 = rnd([7, 5], 6) as tf.Tensor2D;
      const b2 = rnd([5, 3], 7) as tf.Tensor2D;
      return [
        tf.matMul(a, b),
        tf.matMul(at, b, true, false),
        tf.matMul(a, bt, false, true),
        tf.matMul(at, bt, true, true),
        tf.matMul(rnd([1, 7, 5], 8), b),
        tf.fused.matMul({ a: a2, b: b2, bias: rnd([3], 9), activation: 'relu' }),
        tf.fused.matMul({ a: a2, b: b2, bias: rnd([3], 10) }),
        tf.fused.matMul({ a: a2, b: b2, bias: rnd([3], 11), activation: 'relu6' }),
      ];
    });
  });

  maybe('refuses a tensor outside the wasm heap instead of writing past it', () => {
    const heap = new ArrayBuffer(1024);
    const geometry = [1, 4, 4, 1, 4, 4, 1, 3, 3, 1, 1, 1, 1];
    assert.throws(
      () => native.kernels!.conv2d(heap, Uint32Array.of(0, 64, 0xffffffff, 4096, 0, ...geometry)),
      /out of the wasm heap: output/,
    );
    assert.throws(() => native.kernels!.matMul(heap, new Uint32Array(3)), /Uint32Array of 12/);
  });
});
