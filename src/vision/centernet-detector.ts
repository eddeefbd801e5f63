/**
 * The default detector: CenterNet (MobileNetV3, COCO 80 classes) shipped as a TF.js graph model in
 * the npm package @vladmandic/human (MIT), run on onnxruntime after an in-memory conversion
 * (centernet-onnx.ts), or on the tfjs wasm backend (`vision.runtime: tfjs`). Input [1,H,W,3]
 * float32 RGB 0..255 (no scaling); `tower_0/detections` gives [1,100,6] rows
 * [x1,y1,x2,y2,score,class] in input pixels. The package's graph is fixed at 512x512;
 * centernet-graph.ts rewrites it for the small-object pass at a higher resolution, one model per
 * input size.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { COCO_LABELS } from './coco-labels.js';
import {
  OnnxCenterNet,
  TfjsCenterNet,
  type CenterNetBackend,
  type CenterNetRuntime,
} from './centernet-backends.js';
import { inputFor, MODEL_INPUT, resizedGraph, smallObjectsOnlyIn } from './centernet-graph.js';
import { centernetToOnnx } from './centernet-onnx.js';
import type { DecodedImage, Detection, Detector } from './types.js';

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

/**
 * sha256 of the 512x512 conversion that centernet-onnx.test.ts validated against tfjs on real
 * frames, per model version. Another package version converts to other bytes and runs on tfjs
 * until the test has validated it and its hash is added here.
 */
export const VALIDATED_CONVERSIONS: Record<string, string> = {
  'mb3-centernet@human-3.3.6': 'fedf4bcad097b686c13b232d576dff3a4d3c64e2b5b6216dd05094756b6d2d0f',
};

/** The model's own 512x512 input converted to ONNX. */
const convertWhole = (json: tfTypes.io.ModelJSON, weights: Buffer) =>
  centernetToOnnx(resizedGraph(json, weights, MODEL_INPUT, MODEL_INPUT), {
    width: MODEL_INPUT,
    height: MODEL_INPUT,
  });

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export function conversionSha256(json: tfTypes.io.ModelJSON, weights: Buffer): string {
  return sha256(convertWhole(json, weights));
}

/** The 512x512 conversion when it is the validated one (the backend reuses it), else null. */
function validatedConversion(json: tfTypes.io.ModelJSON, weights: Buffer): Uint8Array | null {
  try {
    const bytes = convertWhole(json, weights);
    return VALIDATED_CONVERSIONS[centernetVersion()] === sha256(bytes) ? bytes : null;
  } catch {
    return null; // a graph the converter refuses
  }
}

export interface CenterNetOptions {
  runtime?: CenterNetRuntime;
  /** onnxruntime's intra-op threads per worker. */
  threads?: number;
  modelJson?: string;
}

export class CenterNetDetector implements Detector {
  private constructor(
    private readonly backend: CenterNetBackend,
    readonly info: { name: string; version: string; runtime: CenterNetRuntime },
  ) {}

  static async load(options: CenterNetOptions = {}): Promise<CenterNetDetector> {
    const modelJson = options.modelJson ?? centernetModelPath();
    const json = JSON.parse(await readFile(modelJson, 'utf8')) as tfTypes.io.ModelJSON;
    const dir = path.dirname(modelJson);
    const buffers = await Promise.all(
      json.weightsManifest.flatMap((group) => group.paths).map((p) => readFile(path.join(dir, p))),
    );
    const weights = Buffer.concat(buffers);
    const whole = (options.runtime ?? 'onnx') === 'onnx' ? validatedConversion(json, weights) : null;
    const runtime = whole ? 'onnx' : 'tfjs';
    if (runtime !== (options.runtime ?? 'onnx'))
      process.emitWarning(
        'the converted CenterNet is not the one validated against tfjs (a different model package?); running it on tfjs',
      );
    const backend =
      runtime === 'onnx'
        ? new OnnxCenterNet(json, weights, options.threads ?? 1, {
            width: MODEL_INPUT,
            height: MODEL_INPUT,
            bytes: whole!,
          })
        : await TfjsCenterNet.load(json, weights);
    const detector = new CenterNetDetector(backend, {
      name: 'centernet',
      version: centernetVersion(),
      runtime,
    });
    // Fail at load, not on the first frame.
    await backend.rows(
      { width: 64, height: 64, data: new Uint8Array(64 * 64 * 3) },
      { width: MODEL_INPUT, height: MODEL_INPUT },
    );
    return detector;
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
    const rows = await this.backend.rows(image, input);
    const sx = image.width / input.width;
    const sy = image.height / input.height;
    const dets: Detection[] = [];
    for (const [x1, y1, x2, y2, score, cls] of rows) {
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

  dispose(): Promise<void> {
    return this.backend.dispose();
  }
}
