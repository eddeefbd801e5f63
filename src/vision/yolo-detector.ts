/**
 * Any YOLOv8 / YOLO11 detection model exported to ONNX (Ultralytics layout), on onnxruntime-node:
 * letterbox to the model's input size (grey 114 padding, aspect kept), input [1,3,S,S] RGB 0..1,
 * output [1, 4 + classes, N] rows of (cx, cy, w, h, class scores...) in input pixels.
 */
import sharp from 'sharp';
import { createSession, ort } from '../ml/onnx-runtime.js';
import { COCO_LABELS } from './coco-labels.js';
import type { DecodedImage, Detection, Detector, DetectorInfo } from './types.js';

export interface Letterbox {
  scale: number;
  padX: number;
  padY: number;
  size: number;
}

export function letterboxGeometry(width: number, height: number, size: number): Letterbox {
  const scale = Math.min(size / width, size / height);
  return {
    scale,
    padX: Math.floor((size - Math.round(width * scale)) / 2),
    padY: Math.floor((size - Math.round(height * scale)) / 2),
    size,
  };
}

/** Decodes YOLO's [1, 4+C, N] output into detections in original image pixels. */
export function decodeYoloOutput(
  output: Float32Array,
  dims: readonly number[],
  lb: Letterbox,
  minScore: number,
  labels: readonly string[] = COCO_LABELS,
): Detection[] {
  const [, rows, n] = dims as [number, number, number];
  const classes = rows - 4;
  const dets: Detection[] = [];
  for (let i = 0; i < n; i++) {
    let best = -1;
    let score = minScore;
    for (let c = 0; c < classes; c++) {
      const s = output[(4 + c) * n + i]!;
      if (s >= score) {
        score = s;
        best = c;
      }
    }
    if (best < 0) continue;
    const cx = output[i]!;
    const cy = output[n + i]!;
    const w = output[2 * n + i]!;
    const h = output[3 * n + i]!;
    dets.push({
      label: labels[best] ?? `class_${best}`,
      classId: best,
      score,
      box: {
        x1: (cx - w / 2 - lb.padX) / lb.scale,
        y1: (cy - h / 2 - lb.padY) / lb.scale,
        x2: (cx + w / 2 - lb.padX) / lb.scale,
        y2: (cy + h / 2 - lb.padY) / lb.scale,
      },
    });
  }
  return dets;
}

export class YoloDetector implements Detector {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly size: number,
    private readonly minScore: number,
    readonly info: DetectorInfo,
  ) {}

  static async load(modelPath: string, options: { minScore: number; name?: string }): Promise<YoloDetector> {
    const session = await createSession(modelPath);
    const meta = session.inputMetadata?.[0] as { shape?: (number | string)[] } | undefined;
    const side = meta?.shape?.[2];
    const size = typeof side === 'number' && side > 0 ? side : 640;
    const name =
      options.name ??
      modelPath
        .split('/')
        .pop()!
        .replace(/\.onnx$/, '');
    return new YoloDetector(session, size, options.minScore, {
      name: `yolo:${name}`,
      version: `onnx-${size}`,
      runtime: 'onnx',
    });
  }

  async candidates(image: DecodedImage): Promise<Detection[]> {
    const lb = letterboxGeometry(image.width, image.height, this.size);
    const w = Math.round(image.width * lb.scale);
    const h = Math.round(image.height * lb.scale);
    const pixels = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
      .resize(w, h, { fit: 'fill' })
      .extend({
        top: lb.padY,
        left: lb.padX,
        bottom: this.size - h - lb.padY,
        right: this.size - w - lb.padX,
        background: { r: 114, g: 114, b: 114 },
      })
      .raw()
      .toBuffer();
    const plane = this.size * this.size;
    const input = new Float32Array(3 * plane);
    for (let i = 0; i < plane; i++) {
      input[i] = pixels[i * 3]! / 255;
      input[plane + i] = pixels[i * 3 + 1]! / 255;
      input[2 * plane + i] = pixels[i * 3 + 2]! / 255;
    }
    const feeds = {
      [this.session.inputNames[0]!]: new ort.Tensor('float32', input, [1, 3, this.size, this.size]),
    };
    const out = (await this.session.run(feeds))[this.session.outputNames[0]!]!;
    return decodeYoloOutput(out.data as Float32Array, out.dims, lb, this.minScore);
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
