/**
 * The CAE forward pass in tfjs (NHWC, pixels 0..1), and the reconstruction error measures that the
 * ONNX export reproduces exactly: `score` = per-image mean squared error, `error_map` = per-pixel
 * squared error averaged over the colour channels.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { layerGeometry, type CaeArchitecture } from './cae-architecture.js';

type Tf = typeof tfTypes;
type Tensor = tfTypes.Tensor;
type Tensor4D = tfTypes.Tensor4D;
type Tensor2D = tfTypes.Tensor2D;

export type ParameterTensors = Record<string, Tensor>;

export function reconstruct(tf: Tf, arch: CaeArchitecture, p: ParameterTensors, x: Tensor4D): Tensor4D {
  const { heights, widths, bottleneck, flatSize } = layerGeometry(arch);
  const n = x.shape[0];
  const blocks = arch.channels.length;
  let h: Tensor4D = x;
  for (let i = 0; i < blocks; i++) {
    h = tf.fused.conv2d({
      x: h,
      filter: p[`enc${i}.kernel`] as Tensor4D,
      bias: p[`enc${i}.bias`],
      strides: 2,
      pad: 'same',
      activation: 'relu',
    });
  }
  const flat = tf.reshape(h, [n, flatSize]) as Tensor2D;
  const latent = tf.fused.matMul({ a: flat, b: p['latent.kernel'] as Tensor2D, bias: p['latent.bias'] });
  const expanded = tf.fused.matMul({
    a: latent,
    b: p['expand.kernel'] as Tensor2D,
    bias: p['expand.bias'],
    activation: 'relu',
  });
  h = tf.reshape(expanded, [n, ...bottleneck]) as Tensor4D;
  for (let i = 0; i < blocks; i++) {
    const level = blocks - 1 - i;
    const kernel = p[`dec${i}.kernel`] as Tensor4D;
    const outShape: [number, number, number, number] = [n, heights[level]!, widths[level]!, kernel.shape[2]];
    // tfjs has no fused transposed conv; bias and activation are separate ops.
    const y = tf.add(tf.conv2dTranspose(h, kernel, outShape, 2, 'same'), p[`dec${i}.bias`]!) as Tensor4D;
    h = i === blocks - 1 ? tf.sigmoid(y) : tf.relu(y);
  }
  return h;
}

/** Mean squared error over the whole batch: the training loss. */
export function reconstructionLoss(tf: Tf, x: Tensor4D, recon: Tensor4D): tfTypes.Scalar {
  return tf.mean(tf.squaredDifference(recon, x));
}

/** Per-image MSE [N]. */
export function imageScores(tf: Tf, x: Tensor4D, recon: Tensor4D): tfTypes.Tensor1D {
  return tf.mean(tf.squaredDifference(recon, x), [1, 2, 3]);
}

/** Per-pixel error [N,H,W], averaged over channels. */
export function errorMap(tf: Tf, x: Tensor4D, recon: Tensor4D): tfTypes.Tensor3D {
  return tf.mean(tf.squaredDifference(recon, x), 3);
}

export function toTensors(
  tf: Tf,
  params: { name: string; shape: number[]; values: Float32Array }[],
  /** Trainable variables under this (unique per thread) name prefix, or plain constants. */
  variablePrefix?: string,
): ParameterTensors {
  const out: ParameterTensors = {};
  const asVariables = variablePrefix !== undefined;
  for (const p of params) {
    const t = tf.tensor(p.values, p.shape, 'float32');
    out[p.name] = asVariables ? tf.variable(t, true, `${variablePrefix}/${p.name}`) : t;
    if (asVariables) t.dispose();
  }
  return out;
}
