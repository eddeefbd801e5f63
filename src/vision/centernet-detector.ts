/**
 * The default detector: CenterNet (MobileNetV3, COCO 80 classes) shipped as a TF.js graph model in
 * the npm package @vladmandic/human (MIT), run on the tfjs wasm backend. Input [1,H,W,3] float32
 * RGB 0..255 (no scaling); `tower_0/detections` gives [1,100,6] rows [x1,y1,x2,y2,score,class] in
 * input pixels. The package's graph is fixed at 512x512; centernet-graph.ts rewrites it for the
 * small-object pass at a higher resolution, one graph per input size.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { loadTf } from '../ml/tfjs-wasm.js';
import { COCO_LABELS } from './coco-labels.js';
import { inputFor, MODEL_INPUT, resizedGraph, smallObjectsOnlyIn } from './centernet-graph.js';
import type { DecodedImage, Detection, Detector } from './types.js';

/** Graphs kept per input size; cameras of one site rarely use more than two. */
const MAX_GRAPHS = 4;

export function centernetModelPath(): string {
  // The package's exports map hides package.json; resolve its entry point and walk up to its root.
  const entry = createRequire(import.meta.url).resolve('@vladmandic/human');
  let dir = path.dirname(entry);
  while (path.basename(dir) !== 'human' && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, 'models', 'centernet.json');
}

/** The model's version: it changes only with the @vladmandic/human package that ships it. */
export function centernetVersion(): string {
  const pkg = path.join(path.dirname(centernetModelPath()), '..', 'package.json');
  try {
    return `mb3-centernet@human-${(JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version}`;
  } catch {
    return 'mb3-centernet';
  }
}

export class CenterNetDetector implements Detector {
  private readonly graphs = new Map<string, Promise<tfTypes.GraphModel>>();

  private constructor(
    private readonly tf: typeof tfTypes,
    private readonly json: tfTypes.io.ModelJSON,
    private readonly weights: Buffer,
    readonly info: { name: string; version: string },
  ) {}

  static async load(modelJson = centernetModelPath()): Promise<CenterNetDetector> {
    const tf = await loadTf();
    const json = JSON.parse(await readFile(modelJson, 'utf8')) as tfTypes.io.ModelJSON;
    const dir = path.dirname(modelJson);
    const buffers = await Promise.all(
      json.weightsManifest.flatMap((group) => group.paths).map((p) => readFile(path.join(dir, p))),
    );
    const detector = new CenterNetDetector(tf, json, Buffer.concat(buffers), {
      name: 'centernet',
      version: centernetVersion(),
    });
    await detector.graph(MODEL_INPUT, MODEL_INPUT); // fail at load, not on the first frame
    return detector;
  }

  private graph(width: number, height: number): Promise<tfTypes.GraphModel> {
    const key = `${width}x${height}`;
    let graph = this.graphs.get(key);
    if (!graph) {
      if (this.graphs.size >= MAX_GRAPHS) {
        const [oldest, evicted] = this.graphs.entries().next().value!;
        this.graphs.delete(oldest);
        void evicted.then((m) => m.dispose());
      }
      graph = this.tf.loadGraphModel(
        this.tf.io.fromMemory(resizedGraph(this.json, this.weights, width, height)),
      );
      this.graphs.set(key, graph);
    }
    return graph;
  }

  /**
   * The model's own 512x512 view of the whole frame (stretched, as it was trained), plus, with
   * `smallObjectSide`, a second pass at that resolution (the frame's aspect kept) that adds only
   * the small objects the first pass did not see.
   */
  async candidates(image: DecodedImage, options: { smallObjectSide?: number } = {}): Promise<Detection[]> {
    const whole = await this.pass(image, { width: MODEL_INPUT, height: MODEL_INPUT });
    const side = options.smallObjectSide ?? 0;
    if (side <= MODEL_INPUT) return whole;
    const fine = await this.pass(image, inputFor(image.width, image.height, side));
    return [...whole, ...smallObjectsOnlyIn(fine, whole, image.height)];
  }

  private async pass(image: DecodedImage, input: { width: number; height: number }): Promise<Detection[]> {
    const tf = this.tf;
    const model = await this.graph(input.width, input.height);
    const out = tf.tidy(() => {
      const x = tf.tensor3d(image.data, [image.height, image.width, 3], 'int32').toFloat();
      const resized = tf.image
        .resizeBilinear(x as tfTypes.Tensor3D, [input.height, input.width])
        .expandDims(0);
      return model.execute(resized, 'tower_0/detections') as tfTypes.Tensor;
    });
    const rows = (await out.array()) as number[][][];
    out.dispose();
    const sx = image.width / input.width;
    const sy = image.height / input.height;
    const dets: Detection[] = [];
    for (const [x1, y1, x2, y2, score, cls] of rows[0]!) {
      const classId = Math.round(cls!);
      const label = COCO_LABELS[classId];
      if (!label || Number.isNaN(score)) continue;
      dets.push({
        label,
        classId,
        score: score!,
        box: { x1: x1! * sx, y1: y1! * sy, x2: x2! * sx, y2: y2! * sy },
      });
    }
    return dets;
  }

  async dispose(): Promise<void> {
    for (const graph of this.graphs.values()) (await graph).dispose();
    this.graphs.clear();
  }
}
