/**
 * The default detector: CenterNet (MobileNetV3, COCO 80 classes) shipped as a TF.js graph model in
 * the npm package @vladmandic/human (MIT), run on the tfjs wasm backend. Input [1,512,512,3]
 * float32 RGB 0..255 (no scaling), stretched; `tower_0/detections` gives [1,100,6] rows
 * [x1,y1,x2,y2,score,class] in 512 space.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { loadTf } from '../ml/tfjs-wasm.js';
import { COCO_LABELS } from './coco-labels.js';
import type { DecodedImage, Detection, Detector } from './types.js';

const INPUT = 512;

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
  private constructor(
    private readonly tf: typeof tfTypes,
    private readonly model: tfTypes.GraphModel,
    readonly info: { name: string; version: string },
  ) {}

  static async load(modelJson = centernetModelPath()): Promise<CenterNetDetector> {
    const tf = await loadTf();
    const json = JSON.parse(await readFile(modelJson, 'utf8')) as tfTypes.io.ModelJSON;
    const dir = path.dirname(modelJson);
    const manifest = json.weightsManifest;
    const buffers = await Promise.all(
      manifest.flatMap((group) => group.paths).map((p) => readFile(path.join(dir, p))),
    );
    const weights = Buffer.concat(buffers);
    const model = await tf.loadGraphModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: manifest.flatMap((group) => group.weights),
        weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.length),
      }),
    );
    return new CenterNetDetector(tf, model, { name: 'centernet', version: centernetVersion() });
  }

  async candidates(image: DecodedImage): Promise<Detection[]> {
    const tf = this.tf;
    const out = tf.tidy(() => {
      const x = tf.tensor3d(image.data, [image.height, image.width, 3], 'int32').toFloat();
      const resized = tf.image.resizeBilinear(x as tfTypes.Tensor3D, [INPUT, INPUT]).expandDims(0);
      return this.model.execute(resized, 'tower_0/detections') as tfTypes.Tensor;
    });
    const rows = (await out.array()) as number[][][];
    out.dispose();
    const sx = image.width / INPUT;
    const sy = image.height / INPUT;
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
    this.model.dispose();
  }
}
