/**
 * Helpers for writing tfjs wasm kernels out of other wasm kernels (and plain loops over the wasm
 * heap): run a stock kernel by name, free every intermediate tensor but the result, and put a
 * kernel in place of the backend's current one.
 */
import {
  getKernel,
  registerKernel,
  unregisterKernel,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

/**
 * Registers `kernelFunc` as the wasm backend's `name` kernel, in place of the current one if there
 * is one, and returns the config it replaced.
 */
export function replaceWasmKernel(name: string, kernelFunc: KernelFunc): KernelConfig | undefined {
  const existing = getKernel(name, 'wasm');
  // Registering a kernel twice only warns and keeps the first one: remove the current one first.
  if (existing) unregisterKernel(name, 'wasm');
  registerKernel({
    kernelName: name,
    backendName: 'wasm',
    kernelFunc,
    // A stock kernel binds its wasm function in setupFunc when the backend initialises; keep that
    // hook on the replacement so the stock kernel still works underneath it.
    ...(existing?.setupFunc ? { setupFunc: existing.setupFunc } : {}),
  });
  return existing;
}

export interface WasmBackend {
  disposeData(dataId: object): boolean;
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  /** A view onto the wasm heap; take it after the last allocation (the heap may grow and move). */
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}

export type Run = (name: string, inputs: Record<string, TensorInfo>, attrs?: NamedAttrMap) => TensorInfo;

export interface KernelScope {
  run: Run;
  /** A new float32 tensor owned by the scope (freed unless it is the result). */
  alloc(shape: number[]): TensorInfo;
  backend: WasmBackend;
}

/** Runs `body`, then frees every intermediate it made except the returned tensor. */
export function withScope(
  backend: WasmBackend,
  body: (scope: KernelScope) => TensorInfo,
  stock: Map<string, ReturnType<typeof getKernel>> = new Map(),
): TensorInfo {
  const temporaries: TensorInfo[] = [];
  const run: Run = (name, inputs, attrs = {}) => {
    const kernel = stock.get(name) ?? getKernel(name, 'wasm');
    if (!kernel) throw new Error(`wasm backend has no ${name} kernel`);
    const out = kernel.kernelFunc({ inputs, attrs, backend: backend as never }) as TensorInfo;
    temporaries.push(out);
    return out;
  };
  const alloc = (shape: number[]) => {
    const out = backend.makeOutput(shape, 'float32');
    temporaries.push(out);
    return out;
  };
  const result = body({ run, alloc, backend });
  for (const t of temporaries) if (t !== result) backend.disposeData(t.dataId);
  return result;
}
