/**
 * Small builders for ONNX protobuf graphs (our own schema subset, `schemas/onnx/onnx_subset.proto`),
 * shared by the CAE export and the detector conversion.
 */
import { create } from '@bufbuild/protobuf';
import {
  AttributeProto_AttributeType as AttrType,
  AttributeProtoSchema,
  NodeProtoSchema,
  TensorProtoSchema,
  ValueInfoProtoSchema,
  type AttributeProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from '../gen/onnx/onnx_subset_pb.js';

export const ONNX_OPSET = 17;
export const IR_VERSION = 8n; // the IR version that goes with opset 17
/** TensorProto.DataType values. */
export const DT = { FLOAT: 1, INT32: 6, INT64: 7, BOOL: 9 } as const;
const FLOAT = DT.FLOAT;
const INT64 = DT.INT64;

/** Permutes a row-major tensor's axes (small and simple: weights are at most a few MB). */
export function permute(values: Float32Array, shape: number[], perm: number[]): Float32Array {
  const outShape = perm.map((p) => shape[p]!);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const out = new Float32Array(values.length);
  const index = new Array<number>(shape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let d = 0; d < perm.length; d++) src += index[d]! * strides[perm[d]!]!;
    out[o] = values[src]!;
    for (let d = outShape.length - 1; d >= 0; d--) {
      if (++index[d]! < outShape[d]!) break;
      index[d] = 0;
    }
  }
  return out;
}

export function floatTensor(name: string, dims: number[], values: Float32Array): TensorProto {
  return create(TensorProtoSchema, {
    name,
    dims: dims.map(BigInt),
    dataType: FLOAT,
    rawData: new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)),
  });
}

export function int64Tensor(name: string, values: number[]): TensorProto {
  const data = BigInt64Array.from(values.map(BigInt));
  return create(TensorProtoSchema, {
    name,
    dims: [BigInt(values.length)],
    dataType: INT64,
    rawData: new Uint8Array(data.buffer),
  });
}

export const ints = (name: string, values: number[]): AttributeProto =>
  create(AttributeProtoSchema, { name, type: AttrType.INTS, ints: values.map(BigInt) });
export const int = (name: string, value: number): AttributeProto =>
  create(AttributeProtoSchema, { name, type: AttrType.INT, i: BigInt(value) });

export function node(
  opType: string,
  inputs: string[],
  outputs: string[],
  attribute: AttributeProto[] = [],
): NodeProto {
  return create(NodeProtoSchema, { opType, input: inputs, output: outputs, name: outputs[0], attribute });
}

export function valueInfo(name: string, dims: (number | string)[]): ValueInfoProto {
  return create(ValueInfoProtoSchema, {
    name,
    type: {
      tensorType: {
        elemType: FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: BigInt(d) })) },
      },
    },
  });
}

export function int32Tensor(name: string, dims: number[], values: Int32Array): TensorProto {
  return create(TensorProtoSchema, {
    name,
    dims: dims.map(BigInt),
    dataType: DT.INT32,
    rawData: new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)),
  });
}

export const float = (name: string, value: number): AttributeProto =>
  create(AttributeProtoSchema, { name, type: AttrType.FLOAT, f: value });
export const str = (name: string, value: string): AttributeProto =>
  create(AttributeProtoSchema, { name, type: AttrType.STRING, s: new TextEncoder().encode(value) });
