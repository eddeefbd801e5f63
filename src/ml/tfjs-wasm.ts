/**
 * The one place that loads tfjs: the wasm backend (XNNPACK, SIMD, one thread per JS thread) with
 * our convolution gradient kernels. Every module that runs a tfjs model awaits `loadTf()` first.
 * tfjs-node cannot be installed offline (it downloads libtensorflow), and the cpu backend is ~30x
 * slower, so wasm is the only backend used at run time; the cpu backend is loaded only by tests.
 */
// The union package, not tfjs-core alone: only its Node bundle registers the ops' gradients
// (tfjs-core's own register_all_gradients is an ESM build Node cannot load), and it carries the
// converter that loads graph models (the detector).
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from './wasm-training-kernels.js';
import { nativeKernels } from './native-kernels.js';
import { registerNativeConvKernels } from './native-conv-kernels.js';

export type Tf = typeof tf;

let ready: Promise<Tf> | undefined;

export function loadTf(): Promise<Tf> {
  ready ??= (async () => {
    registerWasmTrainingKernels();
    // Convolutions and matrix products on OpenBLAS where the addon is built (several times faster).
    const native = nativeKernels().kernels;
    if (native) registerNativeConvKernels(native);
    // Quiet the "hi there, you are running in node without tfjs-node" banner.
    tf.env().set('IS_NODE', true);
    tf.env().set('PROD', true);
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs wasm backend failed to initialise');
    await tf.ready();
    return tf;
  })();
  return ready;
}
