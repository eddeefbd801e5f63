import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { maxRelativeDiff } from '../test-support/float-compare.js';
import { loadTf } from './tfjs-wasm.js';

// These are the kernels used where the native addon is not built: keep it out of this process
// (read when loadTf first runs). native-conv-kernels.test.ts covers the native ones.
process.env.UVM_NATIVE_KERNELS = 'off';

type Pad = 'same' | 'valid';
interface Case {
  x: [number, number, number, number];
  k: number;
  co: number;
  stride: number;
  pad: Pad;
}

const cases: Case[] = [
  { x: [2, 16, 16, 3], k: 3, co: 8, stride: 2, pad: 'same' },
  { x: [3, 15, 17, 4], k: 3, co: 5, stride: 2, pad: 'same' },
  { x: [2, 12, 10, 3], k: 4, co: 6, stride: 2, pad: 'same' },
  { x: [1, 9, 9, 2], k: 3, co: 4, stride: 1, pad: 'same' },
  { x: [2, 11, 13, 3], k: 3, co: 4, stride: 2, pad: 'valid' },
  { x: [2, 10, 10, 2], k: 5, co: 3, stride: 3, pad: 'same' },
];

/** Conv gradients (filter and input) and the transposed conv forward pass on `backend`. */
async function gradients(backend: string, c: Case, seed: number): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const x = tf.randomNormal(c.x, 0, 1, 'float32', seed);
    const w = tf.randomNormal([c.k, c.k, c.x[3], c.co], 0, 1, 'float32', seed + 1);
    const f = (xi: tf.Tensor4D, wi: tf.Tensor4D) => tf.sum(tf.square(tf.conv2d(xi, wi, c.stride, c.pad)));
    const [dx, dw] = tf.grads(f as (...a: tf.Tensor[]) => tf.Tensor)([x, w]);
    const y = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.stride, c.pad);
    const back = tf.conv2dTranspose(y, w as tf.Tensor4D, c.x, c.stride, c.pad);
    return [dx!.dataSync() as Float32Array, dw!.dataSync() as Float32Array, back.dataSync() as Float32Array];
  });
}

async function matMuls(backend: string, seed: number): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const a = tf.randomNormal([2, 7, 5], 0, 1, 'float32', seed);
    const b = tf.randomNormal([2, 5, 3], 0, 1, 'float32', seed + 1);
    const at = tf.transpose(a, [0, 2, 1]);
    const bt = tf.transpose(b, [0, 2, 1]);
    return [
      tf.matMul(a, b).dataSync() as Float32Array,
      tf.matMul(at, b, true, false).dataSync() as Float32Array,
      tf.matMul(a, bt, false, true).dataSync() as Float32Array,
      tf.matMul(at, bt, true, true).dataSync() as Float32Array,
    ];
  });
}

describe('wasm training kernels', () => {
  it('matMul with transposed operands matches the cpu backend', async () => {
    await loadTf();
    const wasm = await matMuls('wasm', 3);
    const cpu = await matMuls('cpu', 3);
    wasm.forEach((w, i) => assert.ok(maxRelativeDiff(w, cpu[i]!) < 1e-5, `matMul variant ${i}`));
    await tf.setBackend('wasm');
  });

  it('conv gradients match the cpu backend for strides, odd sizes, even kernels and both paddings', async () => {
    await loadTf();
    for (const [i, c] of cases.entries()) {
      const wasm = await gradients('wasm', c, 10 + i);
      const cpu = await gradients('cpu', c, 10 + i);
      const names = ['input gradient', 'filter gradient', 'conv2dTranspose'];
      for (let j = 0; j < names.length; j++) {
        const diff = maxRelativeDiff(wasm[j]!, cpu[j]!);
        assert.ok(diff < 1e-5, `${names[j]} for ${JSON.stringify(c)} differs by ${diff}`);
      }
    }
    await tf.setBackend('wasm');
  });
});
