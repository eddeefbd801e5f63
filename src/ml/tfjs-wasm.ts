/**
 * The one place that loads tfjs: the wasm backend (XNNPACK, SIMD, one thread per JS thread) with
 * our convolution gradient kernels and, where built, the native OpenBLAS ones. Every module that
 * runs a tfjs model awaits `loadTf()` first. tfjs-node cannot be installed offline (it downloads
 * libtensorflow), and the cpu backend is ~30x slower, so wasm is the only backend used at run time;
 * the cpu backend is loaded only by tests.
 *
 * Loaded on first use, not at import: the service's main thread rarely runs a model (training and
 * detection run in worker threads), and tfjs is ~15 MB of heap that every garbage collection of the
 * event loop would otherwise walk.
 */
import type * as tfNamespace from '@tensorflow/tfjs';
import { nativeKernels } from './native-kernels.js';

// The union package, not tfjs-core alone: only its Node bundle registers the ops' gradients
// (tfjs-core's own register_all_gradients is an ESM build Node cannot load), and it carries the
// converter that loads graph models (the detector).
export type Tf = typeof tfNamespace;

let ready: Promise<Tf> | undefined;

export function loadTf(): Promise<Tf> {
  ready ??= (async () => {
    // A CommonJS bundle: its namespace also has `default`, which nothing here uses.
    const tf = (await import('@tensorflow/tfjs')) as Tf;
    await import('@tensorflow/tfjs-backend-wasm');
    const { registerWasmTrainingKernels } = await import('./wasm-training-kernels.js');
    registerWasmTrainingKernels();
    // Convolutions and matrix products on OpenBLAS where the addon is built (several times faster).
    const native = nativeKernels().kernels;
    if (native) (await import('./native-conv-kernels.js')).registerNativeConvKernels(native);
    // Quiet the "hi there, you are running in node without tfjs-node" banner.
    tf.env().set('IS_NODE', true);
    tf.env().set('PROD', true);
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs wasm backend failed to initialise');
    await tf.ready();
    return tf;
  })();
  return ready;
}
