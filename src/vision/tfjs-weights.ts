/**
 * A TF.js weights manifest and its binary, decoded to typed arrays: float32 (stored as float32 or,
 * quantised, as float16) and int32. Other dtypes or quantisations are refused.
 */
import type * as tfTypes from '@tensorflow/tfjs';

export interface DecodedWeight {
  shape: number[];
  values: Float32Array | Int32Array;
}

/** IEEE 754 half to single precision. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

export function decodeWeights(
  specs: tfTypes.io.WeightsManifestEntry[],
  data: Uint8Array,
): Map<string, DecodedWeight> {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out = new Map<string, DecodedWeight>();
  let offset = 0;
  for (const spec of specs) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const q = spec.quantization;
    if (spec.dtype === 'float32' && q?.dtype === 'float16') {
      const values = new Float32Array(count);
      for (let i = 0; i < count; i++) values[i] = halfToFloat(view.getUint16(offset + 2 * i, true));
      out.set(spec.name, { shape: spec.shape, values });
      offset += 2 * count;
    } else if (!q && (spec.dtype === 'float32' || spec.dtype === 'int32')) {
      const values = spec.dtype === 'float32' ? new Float32Array(count) : new Int32Array(count);
      for (let i = 0; i < count; i++)
        values[i] =
          spec.dtype === 'float32'
            ? view.getFloat32(offset + 4 * i, true)
            : view.getInt32(offset + 4 * i, true);
      out.set(spec.name, { shape: spec.shape, values });
      offset += 4 * count;
    } else
      throw new Error(
        `weight ${spec.name}: ${spec.dtype}${q ? ` quantised as ${q.dtype}` : ''} is not supported`,
      );
  }
  if (offset !== data.byteLength)
    throw new Error(`the weights are ${data.byteLength} bytes, the manifest says ${offset}`);
  return out;
}
