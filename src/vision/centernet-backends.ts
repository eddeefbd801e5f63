/**
 * The two ways to run CenterNet's network: onnxruntime on the converted graph (centernet-onnx.ts;
 * the default, several times faster on CPU) and the original TF.js graph on tfjs's wasm backend
 * (the fallback). Both take the decoded frame and give the graph's `detections` rows
 * [x1, y1, x2, y2, score, class] in network-input pixels, one model per input size (cached).
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { loadTf } from '../ml/tfjs-wasm.js';
import { ort } from '../ml/onnx-runtime.js';
import { resizedGraph } from './centernet-graph.js';
import { CENTERNET_ONNX_IO, centernetToOnnx } from './centernet-onnx.js';
import type { DecodedImage } from './types.js';

export type CenterNetRuntime = 'onnx' | 'tfjs';

export interface CenterNetBackend {
  readonly runtime: CenterNetRuntime;
  rows(image: DecodedImage, input: { width: number; height: number }): Promise<number[][]>;
  dispose(): Promise<void>;
}

/** Models kept per input size; cameras of one site rarely use more than two. */
const MAX_MODELS = 4;

/** A small LRU of per-size models, disposed when evicted. */
class PerSize<M> {
  private readonly models = new Map<string, Promise<M>>();
  constructor(
    private readonly build: (width: number, height: number) => Promise<M>,
    private readonly release: (m: M) => Promise<void> | void,
  ) {}

  get(width: number, height: number): Promise<M> {
    const key = `${width}x${height}`;
    let model = this.models.get(key);
    if (!model) {
      if (this.models.size >= MAX_MODELS) {
        const [oldest, evicted] = this.models.entries().next().value!;
        this.models.delete(oldest);
        void evicted.then((m) => this.release(m));
      }
      model = this.build(width, height);
      this.models.set(key, model);
    }
    return model;
  }

  async clear(): Promise<void> {
    for (const m of this.models.values()) await this.release(await m);
    this.models.clear();
  }
}

export class TfjsCenterNet implements CenterNetBackend {
  readonly runtime = 'tfjs' as const;
  private readonly graphs: PerSize<tfTypes.GraphModel>;

  private constructor(
    private readonly tf: typeof tfTypes,
    json: tfTypes.io.ModelJSON,
    weights: Buffer,
  ) {
    this.graphs = new PerSize(
      (w, h) => tf.loadGraphModel(tf.io.fromMemory(resizedGraph(json, weights, w, h))),
      (m) => m.dispose(),
    );
  }

  static async load(json: tfTypes.io.ModelJSON, weights: Buffer): Promise<TfjsCenterNet> {
    return new TfjsCenterNet(await loadTf(), json, weights);
  }

  async rows(image: DecodedImage, input: { width: number; height: number }): Promise<number[][]> {
    const tf = this.tf;
    const model = await this.graphs.get(input.width, input.height);
    const out = tf.tidy(() => {
      const x = tf.tensor3d(image.data, [image.height, image.width, 3], 'int32').toFloat();
      const resized = tf.image
        .resizeBilinear(x as tfTypes.Tensor3D, [input.height, input.width])
        .expandDims(0);
      return model.execute(resized, 'tower_0/detections') as tfTypes.Tensor;
    });
    const rows = (await out.array()) as number[][][];
    out.dispose();
    return rows[0]!;
  }

  dispose(): Promise<void> {
    return this.graphs.clear();
  }
}

export class OnnxCenterNet implements CenterNetBackend {
  readonly runtime = 'onnx' as const;
  private readonly sessions: PerSize<ort.InferenceSession>;

  /** `converted`: a model already converted for one input size (the load's validation made it). */
  constructor(
    json: tfTypes.io.ModelJSON,
    weights: Buffer,
    threads: number,
    converted?: { width: number; height: number; bytes: Uint8Array },
  ) {
    this.sessions = new PerSize(
      (w, h) =>
        ort.InferenceSession.create(
          converted && converted.width === w && converted.height === h
            ? converted.bytes
            : centernetToOnnx(resizedGraph(json, weights, w, h), { width: w, height: h }),
          {
            intraOpNumThreads: threads,
            interOpNumThreads: 1,
            graphOptimizationLevel: 'all',
          },
        ),
      (s) => s.release(),
    );
  }

  async rows(image: DecodedImage, input: { width: number; height: number }): Promise<number[][]> {
    const session = await this.sessions.get(input.width, input.height);
    const pixels = Float32Array.from(image.data);
    const res = await session.run({
      [CENTERNET_ONNX_IO.input]: new ort.Tensor('float32', pixels, [1, image.height, image.width, 3]),
    });
    const data = res[CENTERNET_ONNX_IO.output]!.data as Float32Array;
    const rows: number[][] = [];
    for (let i = 0; i + 6 <= data.length; i += 6) rows.push(Array.from(data.subarray(i, i + 6)));
    return rows;
  }

  dispose(): Promise<void> {
    return this.sessions.clear();
  }
}
