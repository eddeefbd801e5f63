/**
 * The CAE's parameters as plain named Float32Arrays: what crosses worker threads, what the ONNX
 * exporter reads and what a checkpoint stores. Layouts are tfjs's (NHWC convs):
 *   enc{i}.kernel [k,k,cin,cout]     conv2d filter
 *   dec{i}.kernel [k,k,cout,cin]     conv2dTranspose filter (output channels first, as tfjs wants)
 *   latent.kernel [flat,latent]      expand.kernel [latent,flat]   (flat = NHWC flatten order)
 */
import { INPUT_CHANNELS, layerGeometry, type CaeArchitecture } from './cae-architecture.js';
import { SeededRandom } from './random.js';

export interface ParameterSpec {
  name: string;
  shape: number[];
  fanIn: number;
  /** He init for layers followed by ReLU, Glorot for the linear latent and the sigmoid output. */
  init: 'he' | 'glorot' | 'zeros';
  fanOut: number;
}

export interface NamedParameter {
  name: string;
  shape: number[];
  values: Float32Array;
}

export function parameterSpecs(arch: CaeArchitecture): ParameterSpec[] {
  const k = arch.kernelSize;
  const { flatSize } = layerGeometry(arch);
  const specs: ParameterSpec[] = [];
  const bias = (name: string, n: number) =>
    specs.push({ name, shape: [n], fanIn: 1, fanOut: n, init: 'zeros' });
  let cin = INPUT_CHANNELS;
  arch.channels.forEach((cout, i) => {
    specs.push({
      name: `enc${i}.kernel`,
      shape: [k, k, cin, cout],
      fanIn: k * k * cin,
      fanOut: k * k * cout,
      init: 'he',
    });
    bias(`enc${i}.bias`, cout);
    cin = cout;
  });
  specs.push({
    name: 'latent.kernel',
    shape: [flatSize, arch.latentDim],
    fanIn: flatSize,
    fanOut: arch.latentDim,
    init: 'glorot',
  });
  bias('latent.bias', arch.latentDim);
  specs.push({
    name: 'expand.kernel',
    shape: [arch.latentDim, flatSize],
    fanIn: arch.latentDim,
    fanOut: flatSize,
    init: 'he',
  });
  bias('expand.bias', flatSize);
  const decoderOut = [...arch.channels].reverse().slice(1).concat(INPUT_CHANNELS);
  cin = arch.channels.at(-1)!;
  decoderOut.forEach((cout, i) => {
    const last = i === decoderOut.length - 1;
    specs.push({
      name: `dec${i}.kernel`,
      shape: [k, k, cout, cin],
      fanIn: k * k * cin,
      fanOut: k * k * cout,
      init: last ? 'glorot' : 'he',
    });
    bias(`dec${i}.bias`, cout);
    cin = cout;
  });
  return specs;
}

export function parameterCount(arch: CaeArchitecture): number {
  return parameterSpecs(arch).reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
}

/** Fresh weights; the same seed always gives the same weights. */
export function initParameters(arch: CaeArchitecture, seed: number): NamedParameter[] {
  const random = new SeededRandom(seed);
  return parameterSpecs(arch).map((spec) => {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    if (spec.init !== 'zeros') {
      const std = spec.init === 'he' ? Math.sqrt(2 / spec.fanIn) : Math.sqrt(2 / (spec.fanIn + spec.fanOut));
      for (let i = 0; i < size; i++) values[i] = random.normal() * std;
    }
    return { name: spec.name, shape: spec.shape, values };
  });
}

/** All parameters in one array (spec order), and back: the unit a worker thread ships. */
export function flattenParameters(params: NamedParameter[]): Float32Array {
  const out = new Float32Array(params.reduce((n, p) => n + p.values.length, 0));
  let offset = 0;
  for (const p of params) {
    out.set(p.values, offset);
    offset += p.values.length;
  }
  return out;
}

export function unflattenParameters(arch: CaeArchitecture, flat: Float32Array): NamedParameter[] {
  let offset = 0;
  const params = parameterSpecs(arch).map((spec) => {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const values = flat.slice(offset, offset + size);
    offset += size;
    return { name: spec.name, shape: spec.shape, values };
  });
  if (offset !== flat.length) {
    throw new Error(`parameter array has ${flat.length} values, the architecture needs ${offset}`);
  }
  return params;
}
