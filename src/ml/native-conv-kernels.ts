/**
 * tfjs wasm-backend kernels computed by the native addon (OpenBLAS): Conv2D, FusedConv2D (bias,
 * ReLU), the two convolution gradients, BatchMatMul and _FusedMatMul. The tensors stay in the wasm
 * heap; the addon reads and writes them there, so nothing is copied in or out.
 *
 * Cases the addon does not cover (dilations, NCHW, other activations, PReLU weights, non-float32,
 * broadcast biases) go to the kernel registered before (the stock one, or ours from
 * wasm-training-kernels.ts). Verified against the cpu backend in native-conv-kernels.test.ts.
 */
import { backend_util, getKernel, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { NONE, type NativeKernels } from './native-kernels.js';
import { replaceWasmKernel } from './wasm-kernel-runner.js';

interface WasmBackendInternals {
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  wasm: { HEAPU8: Uint8Array };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
}

interface ConvAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  activation?: string;
  filterShape?: number[];
  inputShape?: number[];
}

type Args = Parameters<KernelFunc>[0];

const offsetOf = (b: WasmBackendInternals, t: TensorInfo) => b.dataIdMap.get(t.dataId).memoryOffset;

/** The conv's geometry, or null when the addon does not cover it (dilation, NCHW). */
function convGeometry(xShape: number[], filterShape: number[], a: ConvAttrs): number[] | null {
  if (a.dataFormat === 'NCHW') return null;
  const info = backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    a.strides,
    a.dilations ?? 1,
    a.pad,
    a.dimRoundingMode,
  );
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) return null;
  return [
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.outChannels,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.padInfo.top,
    info.padInfo.left,
  ];
}

const allFloat32 = (...ts: (TensorInfo | undefined)[]) => ts.every((t) => !t || t.dtype === 'float32');

/**
 * Runs `body` with a fresh output and the heap (taken after the allocation: the heap may grow and
 * its buffer change), or the previous kernel when `covered` is false.
 */
function nativeOr(
  previous: KernelFunc,
  args: Args,
  covered: boolean,
  outShape: () => number[],
  body: (heap: ArrayBufferLike, out: number, b: WasmBackendInternals) => void,
) {
  if (!covered) return previous(args);
  const backend = args.backend as unknown as WasmBackendInternals;
  const out = backend.makeOutput(outShape(), 'float32');
  body(backend.wasm.HEAPU8.buffer, offsetOf(backend, out), backend);
  return out;
}

/** Kernel factories: each takes the kernel it replaces, which serves the cases it does not cover. */
function convKernels(native: NativeKernels) {
  const conv2d =
    (previous: KernelFunc): KernelFunc =>
    (args) => {
      const { x, filter, bias, preluActivationWeights } = args.inputs as Record<string, TensorInfo>;
      const a = args.attrs as unknown as ConvAttrs;
      const activation = a.activation ?? 'linear';
      const g = convGeometry(x!.shape, filter!.shape, a);
      const covered =
        g !== null &&
        allFloat32(x, filter, bias) &&
        !preluActivationWeights &&
        (activation === 'linear' || activation === 'relu') &&
        (!bias || (bias.shape.length === 1 && bias.shape[0] === filter!.shape[3]));
      return nativeOr(
        previous,
        args,
        covered,
        () => [g![0]!, g![4]!, g![5]!, g![6]!],
        (heap, out, b) => {
          const biasAt = bias ? offsetOf(b, bias) : NONE;
          const relu = activation === 'relu' ? 1 : 0;
          native.conv2d(
            heap,
            Uint32Array.of(offsetOf(b, x!), offsetOf(b, filter!), biasAt, out, relu, ...g!),
          );
        },
      );
    };

  const backpropFilter =
    (previous: KernelFunc): KernelFunc =>
    (args) => {
      const { x, dy } = args.inputs as Record<string, TensorInfo>;
      const a = args.attrs as unknown as ConvAttrs;
      const g = convGeometry(x!.shape, a.filterShape!, a);
      return nativeOr(
        previous,
        args,
        g !== null && allFloat32(x, dy),
        () => a.filterShape!,
        (heap, out, b) =>
          native.conv2dBackpropFilter(heap, Uint32Array.of(offsetOf(b, x!), offsetOf(b, dy!), out, ...g!)),
      );
    };

  const backpropInput =
    (previous: KernelFunc): KernelFunc =>
    (args) => {
      const { dy, filter } = args.inputs as Record<string, TensorInfo>;
      const a = args.attrs as unknown as ConvAttrs;
      const g = convGeometry(a.inputShape!, filter!.shape, a);
      return nativeOr(
        previous,
        args,
        g !== null && allFloat32(dy, filter),
        () => a.inputShape!,
        (heap, out, b) =>
          native.conv2dBackpropInput(
            heap,
            Uint32Array.of(offsetOf(b, dy!), offsetOf(b, filter!), out, ...g!),
          ),
      );
    };
  return { conv2d, backpropFilter, backpropInput };
}

function matMulKernel(native: NativeKernels) {
  return (previous: KernelFunc): KernelFunc =>
    (args) => {
      const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, TensorInfo>;
      const attrs = args.attrs as unknown as {
        transposeA: boolean;
        transposeB: boolean;
        activation?: string;
      };
      const activation = attrs.activation ?? 'linear';
      const ra = a!.shape.length;
      const rb = b!.shape.length;
      const m = attrs.transposeA ? a!.shape[ra - 1]! : a!.shape[ra - 2]!;
      const k = attrs.transposeA ? a!.shape[ra - 2]! : a!.shape[ra - 1]!;
      const n = attrs.transposeB ? b!.shape[rb - 2]! : b!.shape[rb - 1]!;
      const batchA = a!.shape.slice(0, -2).reduce((p, v) => p * v, 1);
      const batchB = b!.shape.slice(0, -2).reduce((p, v) => p * v, 1);
      const outer = batchA >= batchB ? a!.shape.slice(0, -2) : b!.shape.slice(0, -2);
      const biasSize = bias ? bias.shape.reduce((p, v) => p * v, 1) : 0;
      const covered =
        allFloat32(a, b, bias) &&
        !preluActivationWeights &&
        (activation === 'linear' || activation === 'relu') &&
        // Only plain batch broadcasting (one side flat or both the same outer shape).
        (batchA === 1 || batchB === 1 || a!.shape.slice(0, -2).join() === b!.shape.slice(0, -2).join()) &&
        (!bias || (biasSize === n && bias.shape.at(-1) === n));
      return nativeOr(
        previous,
        args,
        covered,
        () => [...outer, m, n],
        (heap, out, be) => {
          native.matMul(
            heap,
            Uint32Array.of(
              offsetOf(be, a!),
              offsetOf(be, b!),
              bias ? offsetOf(be, bias) : NONE,
              out,
              batchA,
              batchB,
              m,
              n,
              k,
              attrs.transposeA ? 1 : 0,
              attrs.transposeB ? 1 : 0,
              activation === 'relu' ? 1 : 0,
            ),
          );
        },
      );
    };
}

let registered = false;

/** Puts the native kernels in front of the wasm backend's current ones (idempotent). */
export function registerNativeConvKernels(native: NativeKernels): void {
  if (registered) return;
  registered = true;
  const conv = convKernels(native);
  const matMul = matMulKernel(native);
  const kernels: [string, (previous: KernelFunc) => KernelFunc][] = [
    ['Conv2D', conv.conv2d],
    ['FusedConv2D', conv.conv2d],
    ['Conv2DBackpropFilter', conv.backpropFilter],
    ['Conv2DBackpropInput', conv.backpropInput],
    ['BatchMatMul', matMul],
    ['_FusedMatMul', matMul],
  ];
  for (const [name, make] of kernels) {
    const previous = getKernel(name, 'wasm')?.kernelFunc;
    if (previous) replaceWasmKernel(name, make(previous));
  }
}
