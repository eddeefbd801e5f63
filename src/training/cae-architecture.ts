/**
 * The per-camera convolutional autoencoder's shape, shared by the tfjs model, the ONNX exporter and
 * the PyTorch reference in bench/train (they must agree layer by layer).
 *
 * encoder: N x [Conv kxk stride 2 "same" + ReLU]  ->  flatten  ->  Dense(latent)
 * decoder: Dense(flattened) + ReLU  ->  reshape  ->  N x [ConvTranspose kxk stride 2 "same"],
 *          ReLU between blocks, Sigmoid at the end (pixels are in 0..1).
 */
import { AppError } from '../errors/app-error.js';

export interface CaeArchitecture {
  inputHeight: number;
  inputWidth: number;
  /** Output channels of each encoder block; the decoder mirrors them. 3 or 4 blocks. */
  channels: number[];
  latentDim: number;
  kernelSize: number;
}

export const DEFAULT_ARCHITECTURE: CaeArchitecture = {
  inputHeight: 128,
  inputWidth: 128,
  channels: [16, 32, 64, 64],
  latentDim: 128,
  kernelSize: 3,
};

export const INPUT_CHANNELS = 3;
const STRIDE = 2;

/** TF "same" padding for a stride-2 conv from `size`: output ceil(size/2), extra pad at the end. */
export interface SamePadding {
  out: number;
  before: number;
  after: number;
}

export function samePadding(size: number, kernel: number, stride = STRIDE): SamePadding {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  const before = Math.floor(total / 2);
  return { out, before, after: total - before };
}

export interface LayerGeometry {
  /** Spatial size before each encoder block (index 0 = the input), then the bottleneck. */
  heights: number[];
  widths: number[];
  /** Height x width x channels of the last encoder block's output. */
  bottleneck: [number, number, number];
  flatSize: number;
}

export function layerGeometry(arch: CaeArchitecture): LayerGeometry {
  const heights = [arch.inputHeight];
  const widths = [arch.inputWidth];
  for (let i = 0; i < arch.channels.length; i++) {
    heights.push(samePadding(heights[i]!, arch.kernelSize).out);
    widths.push(samePadding(widths[i]!, arch.kernelSize).out);
  }
  const bottleneck: [number, number, number] = [heights.at(-1)!, widths.at(-1)!, arch.channels.at(-1)!];
  return { heights, widths, bottleneck, flatSize: bottleneck[0] * bottleneck[1] * bottleneck[2] };
}

/** Refuses shapes an N100-class edge should not run, or that collapse below 2x2. */
export function validateArchitecture(arch: CaeArchitecture): CaeArchitecture {
  const problems: string[] = [];
  const side = (name: string, v: number) => {
    if (!Number.isInteger(v) || v < 32 || v > 640)
      problems.push(`${name} must be an integer in 32..640 (got ${v})`);
  };
  side('inputHeight', arch.inputHeight);
  side('inputWidth', arch.inputWidth);
  if (arch.channels.length < 3 || arch.channels.length > 4) {
    problems.push(`channels must list 3 or 4 encoder blocks (got ${arch.channels.length})`);
  }
  for (const c of arch.channels) {
    if (!Number.isInteger(c) || c < 4 || c > 256)
      problems.push(`each channel count must be in 4..256 (got ${c})`);
  }
  if (!Number.isInteger(arch.latentDim) || arch.latentDim < 16 || arch.latentDim > 1024) {
    problems.push(`latentDim must be in 16..1024 (got ${arch.latentDim})`);
  }
  if (![3, 4, 5].includes(arch.kernelSize))
    problems.push(`kernelSize must be 3, 4 or 5 (got ${arch.kernelSize})`);
  if (problems.length > 0) {
    throw new AppError('validation_failed', `invalid model architecture: ${problems.join('; ')}`);
  }
  const { bottleneck, flatSize } = layerGeometry(arch);
  if (bottleneck[0] < 2 || bottleneck[1] < 2 || flatSize > 1 << 20) {
    throw new AppError(
      'validation_failed',
      `invalid model architecture: bottleneck ${bottleneck.join('x')} is out of range`,
    );
  }
  return arch;
}
