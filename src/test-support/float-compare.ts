import assert from 'node:assert/strict';

/** Largest absolute difference between two arrays, relative to the largest magnitude in `expected`. */
export function maxRelativeDiff(actual: Float32Array, expected: Float32Array): number {
  assert.equal(actual.length, expected.length);
  let scale = 1e-6;
  for (const v of expected) scale = Math.max(scale, Math.abs(v));
  let max = 0;
  for (let i = 0; i < actual.length; i++) max = Math.max(max, Math.abs(actual[i]! - expected[i]!));
  return max / scale;
}
