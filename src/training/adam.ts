/**
 * Adam over the model's flat parameter vector, in memory shared by every training thread.
 *
 * Why not tfjs's optimizer: with one model replica per thread, each replica had to run Adam over
 * all 1.17 M parameters after every step (10-15 ms of wasm elementwise ops, repeated on every
 * thread). Here the weights and the moments live once, in SharedArrayBuffers; each thread updates
 * its own range of parameters (the averaged gradient in the same pass) and the replicas copy the
 * new weights in before their next forward pass.
 *
 * Same rule and defaults as tf.train.adam (Kingma & Ba, with bias correction):
 *   m = b1 m + (1 - b1) g,  v = b2 v + (1 - b2) g^2,  w -= lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 * Checked against tf.train.adam in adam.test.ts.
 */

export interface AdamOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  /** tfjs's float32 epsilon, its default. */
  epsilon?: number;
}

/** The state every training thread shares: weights, Adam moments and one gradient slot per replica. */
export interface SharedTrainingState {
  weights: Float32Array;
  m: Float32Array;
  v: Float32Array;
  /** Replica r writes its share's mean gradient to [r * P, (r + 1) * P). */
  gradientSlots: Float32Array;
}

const shared = (floats: number) => new Float32Array(new SharedArrayBuffer(floats * 4));

export function createSharedTrainingState(params: Float32Array, replicas: number): SharedTrainingState {
  const state = {
    weights: shared(params.length),
    m: shared(params.length),
    v: shared(params.length),
    gradientSlots: shared(params.length * replicas),
  };
  state.weights.set(params);
  return state;
}

/** New starting weights; the moments start again from zero. */
export function resetTrainingState(state: SharedTrainingState, params: Float32Array): void {
  if (params.length !== state.weights.length)
    throw new Error(`expected ${state.weights.length} parameters, got ${params.length}`);
  state.weights.set(params);
  state.m.fill(0);
  state.v.fill(0);
}

/** Splits [0, size) into `parts` contiguous ranges of nearly equal length. */
export function parameterRanges(size: number, parts: number): [number, number][] {
  return Array.from({ length: parts }, (_, i) => [
    Math.floor((size * i) / parts),
    Math.floor((size * (i + 1)) / parts),
  ]);
}

/**
 * Adam step number `step` (1-based) on parameters [from, to), with the gradient = the slots
 * weighted by `slotWeights` (each slot holds a share's mean; weights are the shares' sizes / batch).
 */
export function adamUpdate(
  state: SharedTrainingState,
  range: [number, number],
  slotWeights: number[],
  step: number,
  options: AdamOptions,
): void {
  const { learningRate: lr, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7 } = options;
  const { weights, m, v, gradientSlots } = state;
  const size = weights.length;
  const correction1 = 1 - beta1 ** step;
  const correction2 = 1 - beta2 ** step;
  const slots = slotWeights.flatMap((w, slot) => (w === 0 ? [] : [{ w, offset: slot * size }]));
  // The first two slots are spelled out (a missing second one reads slot a with weight 0): V8 keeps
  // this loop tight; a loop over the slot list for every parameter ran ~2x slower.
  const a = slots[0] ?? { w: 0, offset: 0 };
  const b = slots[1] ?? { w: 0, offset: a.offset };
  const rest = slots.slice(2);
  const stepSize = lr / correction1;
  const invCorrection2 = 1 / correction2;
  for (let i = range[0]; i < range[1]; i++) {
    let g = gradientSlots[a.offset + i]! * a.w + gradientSlots[b.offset + i]! * b.w;
    for (const s of rest) g += gradientSlots[s.offset + i]! * s.w;
    const mi = beta1 * m[i]! + (1 - beta1) * g;
    const vi = beta2 * v[i]! + (1 - beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    weights[i] = weights[i]! - (stepSize * mi) / (Math.sqrt(vi * invCorrection2) + epsilon);
  }
}
