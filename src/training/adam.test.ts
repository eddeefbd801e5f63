import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { loadTf } from '../ml/tfjs-wasm.js';
import { adamUpdate, createSharedTrainingState, parameterRanges, resetTrainingState } from './adam.js';

/** Deterministic pseudo-random values in [-1, 1). */
const values = (n: number, seed: number) =>
  Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 1000 + i * 12.9898) % 1);

describe('shared-memory Adam', () => {
  it('follows tf.train.adam step by step, with the gradient averaged from weighted slots', async () => {
    await loadTf(); // sets tfjs's production flags (no Node banner)
    await tf.setBackend('cpu');
    const size = 37;
    const initial = values(size, 1);
    const state = createSharedTrainingState(initial, 3);
    const variable = tf.variable(tf.tensor1d(initial));
    const optimizer = tf.train.adam(0.01);
    const slotWeights = [0.5, 0.25, 0.25];
    for (let step = 1; step <= 6; step++) {
      // Three replicas' mean gradients; the optimiser gets their weighted average.
      const slots = slotWeights.map((_, r) => values(size, 10 * step + r));
      slots.forEach((g, r) => state.gradientSlots.set(g, r * size));
      const average = slots[0]!.map((_, i) => slots.reduce((a, g, r) => a + g[i]! * slotWeights[r]!, 0));
      tf.tidy(() => optimizer.applyGradients([{ name: variable.name, tensor: tf.tensor1d(average) }]));
      // Each "thread" updates its own range, as replicas do.
      for (const range of parameterRanges(size, 2))
        adamUpdate(state, range, slotWeights, step, { learningRate: 0.01 });
      const expected = variable.dataSync();
      for (let i = 0; i < size; i++) {
        assert.ok(
          Math.abs(state.weights[i]! - expected[i]!) < 1e-6,
          `step ${step}, parameter ${i}: ${state.weights[i]} vs tfjs ${expected[i]}`,
        );
      }
    }
    assert.ok(Math.abs(state.weights[0]! - initial[0]!) > 1e-3, 'the weights moved');
  });

  it('skips empty slots, covers every parameter once with its ranges, and resets the moments', () => {
    assert.deepEqual(parameterRanges(10, 3), [
      [0, 3],
      [3, 6],
      [6, 10],
    ]);
    const state = createSharedTrainingState(new Float32Array(4), 2);
    state.gradientSlots.set([1, 1, 1, 1, NaN, NaN, NaN, NaN]);
    // Slot 1 was not written this step (fewer shares than replicas): weight 0 must not read it
    // (0 * NaN would poison every weight).
    adamUpdate(state, [0, 4], [1, 0], 1, { learningRate: 0.1 });
    // First Adam step moves every weight by ~lr against the gradient's sign, whatever its size.
    for (const w of state.weights) assert.ok(Math.abs(w + 0.1) < 1e-4, `moved by -lr: ${w}`);
    for (const m of state.m) assert.ok(Math.abs(m - 0.1) < 1e-7, `first moment (1 - beta1) g: ${m}`);
    resetTrainingState(state, Float32Array.of(1, 2, 3, 4));
    assert.deepEqual([...state.weights], [1, 2, 3, 4]);
    assert.deepEqual([...state.m, ...state.v], new Array(8).fill(0));
    assert.throws(() => resetTrainingState(state, new Float32Array(3)), /expected 4 parameters/);
  });
});
