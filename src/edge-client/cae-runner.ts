/**
 * What an edge does with its model: score each frame with the ONNX CAE exactly as the service
 * trained it (stretch to the input size, RGB, 0..1, NCHW) and compare with the threshold.
 */
import sharp from 'sharp';
import { createSession, ort } from '../ml/onnx-runtime.js';
import type { InstalledModel } from './edge-session.js';

export class CaeRunner {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly width: number,
    readonly height: number,
    readonly threshold: number,
  ) {}

  static async load(m: InstalledModel): Promise<CaeRunner> {
    const [w, h] = (m.assignment.inputSize || '128x128').split('x').map(Number) as [number, number];
    return new CaeRunner(await createSession(m.file), w, h, m.assignment.threshold);
  }

  /** Per-image MSE (the model's `score` output) and how long inference took. */
  async score(frame: Buffer): Promise<{ score: number; ms: number }> {
    const raw = await sharp(frame)
      .rotate()
      .resize(this.width, this.height, { fit: 'fill' })
      .removeAlpha()
      .raw()
      .toBuffer();
    const plane = this.width * this.height;
    const input = new Float32Array(3 * plane);
    for (let p = 0; p < plane; p++) {
      input[p] = raw[p * 3]! / 255;
      input[plane + p] = raw[p * 3 + 1]! / 255;
      input[2 * plane + p] = raw[p * 3 + 2]! / 255;
    }
    const t = performance.now();
    const out = await this.session.run({
      input: new ort.Tensor('float32', input, [1, 3, this.height, this.width]),
    });
    return { score: (out.score!.data as Float32Array)[0]!, ms: performance.now() - t };
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
