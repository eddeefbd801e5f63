/**
 * Helpers for writing tfjs wasm kernels out of other wasm kernels (and plain loops over the wasm
 * heap): run a stock kernel by name, and free every intermediate tensor but the result.
 */
import { getKernel, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';

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
