/**
 * The optional native kernel addon (native/, OpenBLAS sgemm on tensors in the tfjs wasm heap),
 * built at `npm install` by scripts/build-native.mjs where g++ and libopenblas-dev are present.
 * Without it tfjs runs on its wasm kernels (several times slower for training);
 * `UVM_NATIVE_KERNELS=off` turns it off on purpose (benchmarks, tests of the fallback). Not
 * `UVM_`: that prefix is the configuration's, whose loader refuses keys it does not know.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { processEnv } from '../config/process-env.js';

export interface NativeKernels {
  /** [x, filter, bias|NONE, out, relu, ...geometry] */
  conv2d(heap: ArrayBufferLike, args: Uint32Array): void;
  /** [x, dy, dw, ...geometry] */
  conv2dBackpropFilter(heap: ArrayBufferLike, args: Uint32Array): void;
  /** [dy, filter, dx, ...geometry] */
  conv2dBackpropInput(heap: ArrayBufferLike, args: Uint32Array): void;
  /** [a, b, bias|NONE, out, batchA, batchB, m, n, k, transposeA, transposeB, relu] */
  matMul(heap: ArrayBufferLike, args: Uint32Array): void;
  /** OpenBLAS's build description (which CPU kernels it picked). */
  blas: string;
}

/** The "no tensor" offset (e.g. a conv without bias). */
export const NONE = 0xffffffff;

const NATIVE_ADDON_PATH = fileURLToPath(
  new URL('../../native/build/Release/uservm_kernels.node', import.meta.url),
);

let loaded: { kernels: NativeKernels | null; reason: string } | undefined;

/** The addon, or null with the reason it is not used. Loaded once per thread. */
export function nativeKernels(): { kernels: NativeKernels | null; reason: string } {
  if (loaded) return loaded;
  if (processEnv('nativeKernels') === 'off') {
    loaded = { kernels: null, reason: 'turned off by UVM_NATIVE_KERNELS=off' };
    return loaded;
  }
  try {
    const kernels = createRequire(import.meta.url)(NATIVE_ADDON_PATH) as NativeKernels;
    loaded = { kernels, reason: `OpenBLAS ${kernels.blas}` };
  } catch (err) {
    loaded = {
      kernels: null,
      reason: `not built (${(err as Error).message.split('\n')[0]}); run npm run build:native`,
    };
  }
  return loaded;
}
