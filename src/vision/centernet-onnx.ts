/**
 * Converts the shipped CenterNet TF.js graph (after centernet-graph.ts has set its input size) to an
 * ONNX model for onnxruntime, offline and in memory: nothing is downloaded, and the result is
 * checked against the tfjs model on real frames (tests, bench:detect) before it is the default.
 *
 * Only the ops this graph uses are known; any other op refuses the conversion. The network stays in
 * TF's NHWC layout: each convolution and pooling is wrapped in a pair of Transposes (onnxruntime's
 * layout optimiser removes the pairs between consecutive convolutions). TF "SAME" padding is ONNX
 * `SAME_UPPER` (the odd pixel goes at the end). The model takes the raw frame, any size:
 *   input  `image`       float32 [1, h, w, 3], RGB 0..255
 *   output `detections`  float32 [1, 100, 6]: [x1, y1, x2, y2, score, class] in network-input pixels
 * and resizes it to the network input itself the way tfjs's resizeBilinear does (`asymmetric`).
 */
import { create, toBinary } from '@bufbuild/protobuf';
import type * as tfTypes from '@tensorflow/tfjs';
import {
  GraphProtoSchema,
  ModelProtoSchema,
  type NodeProto,
  type TensorProto,
} from '../gen/onnx/onnx_subset_pb.js';
import {
  DT,
  floatTensor,
  int,
  int32Tensor,
  int64Tensor,
  ints,
  IR_VERSION,
  node,
  ONNX_OPSET,
  permute,
  str,
  valueInfo,
} from '../ml/onnx-builder.js';
import { decodeWeights, type DecodedWeight } from './tfjs-weights.js';

export const CENTERNET_ONNX_IO = { input: 'image', output: 'detections' } as const;
const TF_OUTPUT = 'tower_0/detections';

interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<
    string,
    { i?: string; b?: boolean; s?: string; type?: string; list?: { i?: string[]; s?: string[] } }
  >;
}

const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];
const decode = (b64?: string) => (b64 ? Buffer.from(b64, 'base64').toString() : '');
const tfDtype: Record<string, number> = { DT_FLOAT: DT.FLOAT, DT_INT32: DT.INT32 };

/** TF.js model artefacts (one input size) -> ONNX model bytes. */
export function centernetToOnnx(
  artifacts: tfTypes.io.ModelArtifacts,
  input: { width: number; height: number },
): Uint8Array {
  const topology = artifacts.modelTopology as { node: TfNode[] };
  const weights = decodeWeights(
    artifacts.weightSpecs as tfTypes.io.WeightsManifestEntry[],
    new Uint8Array(artifacts.weightData as ArrayBuffer),
  );
  const nodes: NodeProto[] = [];
  const initializers: TensorProto[] = [];
  const emitted = new Set<string>();
  let serial = 0;
  const tmp = (base: string) => `${base}/__${serial++}`;
  const constOf = (name: string): DecodedWeight => {
    const w = weights.get(name.replace(/^\^/, ''));
    if (!w) throw new Error(`CenterNet conversion: ${name} is not a constant`);
    return w;
  };
  const values = (name: string) => Array.from(constOf(name).values);
  /** An input's ONNX name; a constant becomes an initializer the first time it is used as data. */
  const ref = (name: string): string => {
    const w = weights.get(name);
    if (w && !emitted.has(name)) {
      emitted.add(name);
      initializers.push(
        w.values instanceof Float32Array
          ? floatTensor(name, w.shape, w.values)
          : int32Tensor(name, w.shape, w.values as Int32Array),
      );
    }
    return name;
  };
  const i64 = (base: string, v: number[]) => {
    const name = tmp(base);
    initializers.push(int64Tensor(name, v));
    return name;
  };
  const scalar = (base: string, v: number) => {
    const name = tmp(base);
    initializers.push(floatTensor(name, [], Float32Array.of(v)));
    return name;
  };
  /** Runs `body` on x in NCHW and returns to NHWC under `out`. */
  const inNchw = (x: string, out: string, body: (nchw: string) => string) => {
    const a = tmp(out);
    nodes.push(node('Transpose', [x], [a], [ints('perm', TO_NCHW)]));
    nodes.push(node('Transpose', [body(a)], [out], [ints('perm', TO_NHWC)]));
  };

  // The frame, resized to the network input as tfjs does it.
  inNchw(CENTERNET_ONNX_IO.input, 'tower_0/images', (x) => {
    const out = tmp('resize');
    const sizes = i64('sizes', [1, 3, input.height, input.width]);
    nodes.push(
      node(
        'Resize',
        [x, '', '', sizes],
        [out],
        [str('mode', 'linear'), str('coordinate_transformation_mode', 'asymmetric')],
      ),
    );
    return out;
  });

  for (const n of topologicalOrder(topology.node)) {
    const inputs = (n.input ?? []).filter((i) => !i.startsWith('^'));
    const at = n.attr ?? {};
    switch (n.op) {
      case 'Const':
      case 'Placeholder':
        break;
      case '_FusedConv2D':
      case 'FusedDepthwiseConv2dNative':
      case 'Conv2D':
      case 'DepthwiseConv2dNative': {
        const depthwise = n.op.includes('Depthwise');
        const fused = (at.fused_ops?.list?.s ?? []).map(decode);
        if (fused.some((f) => f !== 'BiasAdd' && f !== 'Relu'))
          throw new Error(`${n.name}: fused ${fused.join('+')}`);
        const k = constOf(inputs[1]!);
        const [kh, kw, ci, co] = k.shape as [number, number, number, number];
        const kernel = permute(k.values as Float32Array, k.shape, [3, 2, 0, 1]);
        const wName = `${inputs[1]}/onnx`;
        // Depthwise [kh, kw, C, m] -> [C*m, 1, kh, kw]: the permute above gives [m, C, kh, kw], so redo it.
        initializers.push(
          depthwise
            ? floatTensor(
                wName,
                [ci * co, 1, kh, kw],
                permute(k.values as Float32Array, k.shape, [2, 3, 0, 1]),
              )
            : floatTensor(wName, [co, ci, kh, kw], kernel),
        );
        const strides = (at.strides?.list?.i ?? ['1', '1', '1', '1']).map(Number);
        const dilations = (at.dilations?.list?.i ?? ['1', '1', '1', '1']).map(Number);
        const padding = decode(at.padding?.s);
        if (padding !== 'SAME' && padding !== 'VALID') throw new Error(`${n.name}: padding ${padding}`);
        inNchw(ref(inputs[0]!), n.name, (x) => {
          const conv = tmp(n.name);
          nodes.push(
            node(
              'Conv',
              [x, wName, ...(fused.includes('BiasAdd') ? [ref(inputs[2]!)] : [])],
              [conv],
              [
                ints('kernel_shape', [kh, kw]),
                ints('strides', [strides[1]!, strides[2]!]),
                ints('dilations', [dilations[1]!, dilations[2]!]),
                str('auto_pad', padding === 'SAME' ? 'SAME_UPPER' : 'VALID'),
                int('group', depthwise ? ci : 1),
              ],
            ),
          );
          if (!fused.includes('Relu')) return conv;
          const relu = tmp(n.name);
          nodes.push(node('Relu', [conv], [relu]));
          return relu;
        });
        break;
      }
      case 'MaxPool': {
        const ksize = (at.ksize?.list?.i ?? []).map(Number);
        const strides = (at.strides?.list?.i ?? []).map(Number);
        inNchw(ref(inputs[0]!), n.name, (x) => {
          const out = tmp(n.name);
          nodes.push(
            node(
              'MaxPool',
              [x],
              [out],
              [
                ints('kernel_shape', [ksize[1]!, ksize[2]!]),
                ints('strides', [strides[1]!, strides[2]!]),
                str('auto_pad', decode(at.padding?.s) === 'SAME' ? 'SAME_UPPER' : 'VALID'),
              ],
            ),
          );
          return out;
        });
        break;
      }
      case 'ResizeBilinear': {
        if (at.align_corners?.b || at.half_pixel_centers?.b) throw new Error(`${n.name}: resize mode`);
        const [h, w] = values(inputs[1]!);
        inNchw(ref(inputs[0]!), n.name, (x) => {
          const shape = tmp(n.name);
          const nc = tmp(n.name);
          const sizes = tmp(n.name);
          const out = tmp(n.name);
          nodes.push(node('Shape', [x], [shape]));
          nodes.push(node('Slice', [shape, i64('s', [0]), i64('e', [2])], [nc]));
          nodes.push(node('Concat', [nc, i64('hw', [h!, w!])], [sizes], [int('axis', 0)]));
          nodes.push(
            node(
              'Resize',
              [x, '', '', sizes],
              [out],
              [str('mode', 'linear'), str('coordinate_transformation_mode', 'asymmetric')],
            ),
          );
          return out;
        });
        break;
      }
      case 'Relu6':
        nodes.push(node('Clip', [ref(inputs[0]!), scalar('min', 0), scalar('max', 6)], [n.name]));
        break;
      case 'Relu':
      case 'Sigmoid':
      case 'Identity':
      case 'Add':
      case 'Sub':
      case 'Mul':
      case 'Equal':
        nodes.push(node(n.op, inputs.map(ref), [n.name]));
        break;
      case 'FloorDiv': // integer indices, all non-negative: truncation is the floor
        nodes.push(node('Div', inputs.map(ref), [n.name]));
        break;
      case 'FloorMod':
        nodes.push(node('Mod', inputs.map(ref), [n.name], [int('fmod', 0)]));
        break;
      case 'Mean':
        nodes.push(
          node(
            'ReduceMean',
            [ref(inputs[0]!)],
            [n.name],
            [ints('axes', values(inputs[1]!)), int('keepdims', at.keep_dims?.b ? 1 : 0)],
          ),
        );
        break;
      case 'ConcatV2':
        nodes.push(
          node('Concat', inputs.slice(0, -1).map(ref), [n.name], [int('axis', values(inputs.at(-1)!)[0]!)]),
        );
        break;
      case 'Reshape':
        nodes.push(node('Reshape', [ref(inputs[0]!), i64(n.name, values(inputs[1]!))], [n.name]));
        break;
      case 'ExpandDims':
        nodes.push(node('Unsqueeze', [ref(inputs[0]!), i64(n.name, values(inputs[1]!))], [n.name]));
        break;
      case 'Cast': {
        const to = tfDtype[at.DstT?.type ?? ''];
        if (!to) throw new Error(`${n.name}: cast to ${at.DstT?.type}`);
        nodes.push(node('Cast', [ref(inputs[0]!)], [n.name], [int('to', to)]));
        break;
      }
      case 'TopKV2': {
        if (!at.sorted?.b) throw new Error(`${n.name}: unsorted TopK`);
        const indices = tmp(n.name);
        nodes.push(
          node(
            'TopK',
            [ref(inputs[0]!), i64(n.name, values(inputs[1]!))],
            [n.name, indices],
            [int('axis', -1), int('largest', 1), int('sorted', 1)],
          ),
        );
        // TF's indices are int32, and the graph divides them by int32 constants.
        nodes.push(node('Cast', [indices], [`${n.name}:1`], [int('to', DT.INT32)]));
        break;
      }
      case 'GatherV2':
        if (Number(at.batch_dims?.i ?? 0) !== 0) throw new Error(`${n.name}: batch_dims`);
        nodes.push(
          node('Gather', [ref(inputs[0]!), ref(inputs[1]!)], [n.name], [int('axis', values(inputs[2]!)[0]!)]),
        );
        break;
      case 'StridedSlice':
        nodes.push(stridedSlice(n, inputs, values, ref, i64));
        break;
      default:
        throw new Error(`CenterNet conversion: op ${n.op} (${n.name}) is not supported`);
    }
  }
  nodes.push(node('Identity', [TF_OUTPUT], [CENTERNET_ONNX_IO.output]));

  const model = create(ModelProtoSchema, {
    irVersion: IR_VERSION,
    producerName: 'uservm',
    producerVersion: 'centernet-onnx',
    opsetImport: [{ domain: '', version: BigInt(ONNX_OPSET) }],
    graph: create(GraphProtoSchema, {
      name: 'centernet',
      node: nodes,
      initializer: initializers,
      input: [valueInfo(CENTERNET_ONNX_IO.input, [1, 'height', 'width', 3])],
      output: [valueInfo(CENTERNET_ONNX_IO.output, [1, 100, 6])],
    }),
  });
  return toBinary(ModelProtoSchema, model);
}

/** TF StridedSlice with begin/end masks (no ellipsis, new-axis or shrink masks) as ONNX Slice. */
function stridedSlice(
  n: TfNode,
  inputs: string[],
  values: (name: string) => number[],
  ref: (name: string) => string,
  i64: (base: string, v: number[]) => string,
): NodeProto {
  const at = n.attr ?? {};
  for (const mask of ['ellipsis_mask', 'new_axis_mask', 'shrink_axis_mask'] as const)
    if (Number(at[mask]?.i ?? 0) !== 0) throw new Error(`${n.name}: ${mask}`);
  const begin = values(inputs[1]!);
  const end = values(inputs[2]!);
  const steps = values(inputs[3]!);
  const beginMask = Number(at.begin_mask?.i ?? 0);
  const endMask = Number(at.end_mask?.i ?? 0);
  const BIG = 2 ** 31 - 1;
  const starts = begin.map((b, i) => (beginMask & (1 << i) ? (steps[i]! > 0 ? 0 : BIG) : b));
  const ends = end.map((e, i) => (endMask & (1 << i) ? (steps[i]! > 0 ? BIG : -BIG) : e));
  const axes = begin.map((_, i) => i);
  return node(
    'Slice',
    [ref(inputs[0]!), i64(n.name, starts), i64(n.name, ends), i64(n.name, axes), i64(n.name, steps)],
    [n.name],
  );
}

/** Nodes in an order where every node comes after the nodes it reads. */
function topologicalOrder(nodes: TfNode[]): TfNode[] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const done = new Set<string>();
  const out: TfNode[] = [];
  const visit = (n: TfNode) => {
    if (done.has(n.name)) return;
    done.add(n.name);
    for (const i of n.input ?? []) {
      const dep = byName.get(i.replace(/^\^/, '').replace(/:\d+$/, ''));
      if (dep) visit(dep);
    }
    out.push(n);
  };
  for (const n of nodes) visit(n);
  return out;
}
