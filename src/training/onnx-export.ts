/**
 * Writes the trained CAE as an ONNX model (opset 17) that an edge runs with onnxruntime:
 *   input     `input`     float32 [N,3,H,W], RGB pixels scaled to 0..1 (NCHW, as ONNX convs want)
 *   outputs   `recon`     [N,3,H,W]  the reconstruction
 *             `score`     [N]        the anomaly score (compare with the threshold): with a score
 *                                    calibration, the larger of the standardised local error peak and
 *                                    the loss of sharpness (score-calibration.ts); without one, the
 *                                    per-image mean squared error
 *             `error_map` [N,1,H,W]  per-pixel squared error averaged over channels (localisation)
 * Only Conv, ConvTranspose, Gemm, Relu, Sigmoid, Reshape, Sub, Mul, Max, AveragePool, ReduceMean
 * and ReduceMax are used.
 * Layout conversions from tfjs (NHWC): conv kernels [kh,kw,ci,co] -> [co,ci,kh,kw]; transposed conv
 * kernels [kh,kw,co,ci] -> [ci,co,kh,kw]; TF "same" padding becomes explicit (asymmetric) pads; the
 * dense layers' flatten order is permuted from (h,w,c) to (c,h,w).
 */
import { create, toBinary } from '@bufbuild/protobuf';
import {
  GraphProtoSchema,
  ModelProtoSchema,
  type NodeProto,
  type TensorProto,
} from '../gen/onnx/onnx_subset_pb.js';
import {
  floatTensor,
  int,
  int64Tensor,
  ints,
  IR_VERSION,
  node,
  ONNX_OPSET,
  permute,
  valueInfo,
} from '../ml/onnx-builder.js';
import { layerGeometry, samePadding, type CaeArchitecture } from './cae-architecture.js';
import type { NamedParameter } from './cae-parameters.js';
import type { ScoreCalibration } from './score-calibration.js';

export { ONNX_OPSET, permute };

export const ONNX_IO = { input: 'input', recon: 'recon', score: 'score', errorMap: 'error_map' } as const;

export interface ExportOptions {
  /** Stored as ONNX metadata_props (model id, camera, threshold...). */
  metadata?: Record<string, string>;
  producerVersion?: string;
  /** Bakes the calibrated score into the graph; without it `score` is the plain MSE. */
  calibration?: ScoreCalibration;
}

/** The calibrated `score` (score-calibration.ts), appended to the graph after `error_map`. */
function calibratedScoreNodes(cal: ScoreCalibration, nodes: NodeProto[], initializers: TensorProto[]): void {
  const plane = [1, 1, cal.height, cal.width];
  initializers.push(floatTensor('score.error_mean', plane, cal.errorMean));
  initializers.push(floatTensor('score.error_inv_std', plane, cal.errorInvStd));
  initializers.push(floatTensor('score.error_scale', [], Float32Array.of(cal.errorScale)));
  initializers.push(
    floatTensor('score.laplacian', [1, 1, 3, 3], Float32Array.of(0, 1, 0, 1, -4, 1, 0, 1, 0)),
  );
  initializers.push(floatTensor('score.blur_scale', [], Float32Array.of(cal.blurScale)));
  initializers.push(
    floatTensor('score.blur_per_sharpness', [], Float32Array.of(cal.blurScale / cal.sharpnessRef)),
  );
  nodes.push(node('Sub', [ONNX_IO.errorMap, 'score.error_mean'], ['score.centred']));
  nodes.push(node('Mul', ['score.centred', 'score.error_inv_std'], ['score.z']));
  nodes.push(
    node(
      'AveragePool',
      ['score.z'],
      ['score.z_local'],
      [ints('kernel_shape', [cal.window, cal.window]), ints('strides', [1, 1])],
    ),
  );
  nodes.push(
    node('ReduceMax', ['score.z_local'], ['score.peak'], [ints('axes', [1, 2, 3]), int('keepdims', 0)]),
  );
  nodes.push(node('Mul', ['score.peak', 'score.error_scale'], ['score.error_term']));
  nodes.push(node('ReduceMean', [ONNX_IO.input], ['score.gray'], [ints('axes', [1]), int('keepdims', 1)]));
  nodes.push(node('Conv', ['score.gray', 'score.laplacian'], ['score.lap'], [ints('kernel_shape', [3, 3])]));
  nodes.push(node('Mul', ['score.lap', 'score.lap'], ['score.lap_sq']));
  nodes.push(
    node('ReduceMean', ['score.lap_sq'], ['score.sharpness'], [ints('axes', [1, 2, 3]), int('keepdims', 0)]),
  );
  nodes.push(node('Mul', ['score.sharpness', 'score.blur_per_sharpness'], ['score.sharp_scaled']));
  nodes.push(node('Sub', ['score.blur_scale', 'score.sharp_scaled'], ['score.blur_term']));
  nodes.push(node('Max', ['score.error_term', 'score.blur_term'], [ONNX_IO.score]));
}

export function exportCaeToOnnx(
  arch: CaeArchitecture,
  params: NamedParameter[],
  options: ExportOptions = {},
): Uint8Array {
  const p = new Map(params.map((x) => [x.name, x]));
  const get = (name: string) => {
    const found = p.get(name);
    if (!found) throw new Error(`missing parameter ${name}`);
    return found;
  };
  const { heights, widths, bottleneck, flatSize } = layerGeometry(arch);
  const [bh, bw, bc] = bottleneck;
  const k = arch.kernelSize;
  const blocks = arch.channels.length;
  const nodes: NodeProto[] = [];
  const initializers: TensorProto[] = [];
  const weight = (name: string, dims: number[], values: Float32Array) => {
    initializers.push(floatTensor(name, dims, values));
    return name;
  };
  const pads = (level: number) => {
    const v = samePadding(heights[level]!, k);
    const h = samePadding(widths[level]!, k);
    return ints('pads', [v.before, h.before, v.after, h.after]);
  };
  const convAttrs = (level: number) => [ints('kernel_shape', [k, k]), ints('strides', [2, 2]), pads(level)];

  let x: string = ONNX_IO.input;
  for (let i = 0; i < blocks; i++) {
    const kernel = get(`enc${i}.kernel`);
    const [kh, kw, ci, co] = kernel.shape as [number, number, number, number];
    const w = weight(`enc${i}.W`, [co, ci, kh, kw], permute(kernel.values, kernel.shape, [3, 2, 0, 1]));
    const b = weight(`enc${i}.B`, [co], get(`enc${i}.bias`).values);
    nodes.push(node('Conv', [x, w, b], [`enc${i}.conv`], convAttrs(i)));
    nodes.push(node('Relu', [`enc${i}.conv`], [`enc${i}.out`]));
    x = `enc${i}.out`;
  }
  initializers.push(int64Tensor('flat.shape', [-1, flatSize]));
  nodes.push(node('Reshape', [x, 'flat.shape'], ['flat']));
  // Dense weights were learned on the NHWC flatten order; reorder their flat axis to NCHW.
  const latentK = get('latent.kernel');
  const latentW = permute(latentK.values, [bh, bw, bc, arch.latentDim], [2, 0, 1, 3]);
  weight('latent.W', [flatSize, arch.latentDim], latentW);
  weight('latent.B', [arch.latentDim], get('latent.bias').values);
  nodes.push(node('Gemm', ['flat', 'latent.W', 'latent.B'], ['latent']));
  const expandK = get('expand.kernel');
  weight(
    'expand.W',
    [arch.latentDim, flatSize],
    permute(expandK.values, [arch.latentDim, bh, bw, bc], [0, 3, 1, 2]),
  );
  weight('expand.B', [flatSize], permute(get('expand.bias').values, [bh, bw, bc], [2, 0, 1]));
  nodes.push(node('Gemm', ['latent', 'expand.W', 'expand.B'], ['expand.linear']));
  nodes.push(node('Relu', ['expand.linear'], ['expand.out']));
  initializers.push(int64Tensor('bottleneck.shape', [-1, bc, bh, bw]));
  nodes.push(node('Reshape', ['expand.out', 'bottleneck.shape'], ['bottleneck']));
  x = 'bottleneck';
  for (let i = 0; i < blocks; i++) {
    const level = blocks - 1 - i;
    const kernel = get(`dec${i}.kernel`);
    const [kh, kw, co, ci] = kernel.shape as [number, number, number, number];
    const w = weight(`dec${i}.W`, [ci, co, kh, kw], permute(kernel.values, kernel.shape, [3, 2, 0, 1]));
    const b = weight(`dec${i}.B`, [co], get(`dec${i}.bias`).values);
    nodes.push(node('ConvTranspose', [x, w, b], [`dec${i}.conv`], convAttrs(level)));
    const last = i === blocks - 1;
    const out = last ? ONNX_IO.recon : `dec${i}.out`;
    nodes.push(node(last ? 'Sigmoid' : 'Relu', [`dec${i}.conv`], [out]));
    x = out;
  }
  nodes.push(node('Sub', [ONNX_IO.recon, ONNX_IO.input], ['diff']));
  nodes.push(node('Mul', ['diff', 'diff'], ['squared']));
  nodes.push(node('ReduceMean', ['squared'], [ONNX_IO.errorMap], [ints('axes', [1]), int('keepdims', 1)]));
  if (options.calibration) calibratedScoreNodes(options.calibration, nodes, initializers);
  else
    nodes.push(
      node('ReduceMean', ['squared'], [ONNX_IO.score], [ints('axes', [1, 2, 3]), int('keepdims', 0)]),
    );

  const H = arch.inputHeight;
  const W = arch.inputWidth;
  const model = create(ModelProtoSchema, {
    irVersion: IR_VERSION,
    producerName: 'uservm',
    producerVersion: options.producerVersion ?? '0',
    opsetImport: [{ domain: '', version: BigInt(ONNX_OPSET) }],
    metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
    graph: create(GraphProtoSchema, {
      name: 'cae',
      node: nodes,
      initializer: initializers,
      input: [valueInfo(ONNX_IO.input, ['N', 3, H, W])],
      output: [
        valueInfo(ONNX_IO.recon, ['N', 3, H, W]),
        valueInfo(ONNX_IO.score, ['N']),
        valueInfo(ONNX_IO.errorMap, ['N', 1, H, W]),
      ],
    }),
  });
  return toBinary(ModelProtoSchema, model);
}
