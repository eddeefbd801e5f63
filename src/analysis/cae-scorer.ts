/**
 * Scores event frames with the camera's own anomaly model on the server (onnxruntime), to compare
 * with the edge's score and to tell a scene change from an object: the error map says how much of
 * the reconstruction error falls inside detected objects.
 */
import sharp from 'sharp';
import { LRUCache } from 'lru-cache';
import type { ModelRepository } from '../models/model-repository.js';
import type { BlobStore } from '../storage/blob-store.js';
import { readBlob } from '../storage/read-blob.js';
import { createSession, ort } from '../ml/onnx-runtime.js';
import { MODELS_BUCKET } from '../training/model-package.js';
import type { Box } from '../vision/types.js';
import type { CaeResult } from './types.js';

interface LoadedModel {
  id: string;
  version: string;
  threshold: number;
  width: number;
  height: number;
  session: ort.InferenceSession;
}

export class CaeScorer {
  private readonly sessions = new LRUCache<string, Promise<LoadedModel>>({
    max: 16,
    dispose: (p) => void p.then((m) => m.session.release()).catch(() => undefined),
  });

  constructor(
    private readonly models: ModelRepository,
    private readonly blobs: BlobStore,
  ) {}

  /** The camera's model: the active one (deployed), else the newest ready one. */
  async modelFor(cameraId: string): Promise<{ id: string; version: string } | undefined> {
    return this.models.scoringModelFor(cameraId);
  }

  private load(id: string): Promise<LoadedModel> {
    let p = this.sessions.get(id);
    if (!p) {
      p = (async () => {
        const row = await this.models.scoringParameters(id);
        const meta = JSON.parse(row.metadata ?? '{}') as {
          input?: { shape?: [unknown, number, number, number] };
        };
        const onnx = await readBlob(this.blobs, MODELS_BUCKET, `${id}/model.onnx`);
        const [, , height, width] = meta.input?.shape ?? [0, 3, 128, 128];
        return {
          id,
          version: row.version,
          threshold: row.threshold ?? 0,
          width,
          height,
          session: await createSession(onnx),
        };
      })();
      p.catch(() => this.sessions.delete(id));
      this.sessions.set(id, p);
    }
    return p;
  }

  async score(cameraId: string, frames: Uint8Array[], boxesPerFrame: Box[][]): Promise<CaeResult | null> {
    const ref = await this.modelFor(cameraId);
    if (!ref) return null;
    const m = await this.load(ref.id);
    const plane = m.width * m.height;
    const input = new Float32Array(frames.length * 3 * plane);
    for (const [i, f] of frames.entries()) {
      const raw = await sharp(f)
        .rotate()
        .resize(m.width, m.height, { fit: 'fill' })
        .removeAlpha()
        .raw()
        .toBuffer();
      const base = i * 3 * plane;
      for (let p = 0; p < plane; p++) {
        input[base + p] = raw[p * 3]! / 255;
        input[base + plane + p] = raw[p * 3 + 1]! / 255;
        input[base + 2 * plane + p] = raw[p * 3 + 2]! / 255;
      }
    }
    const out = await m.session.run({
      input: new ort.Tensor('float32', input, [frames.length, 3, m.height, m.width]),
    });
    const scores = Array.from(out.score!.data as Float32Array);
    const maps = out.error_map!.data as Float32Array;
    const explainedShare = frames.map((_, i) => {
      const map = maps.subarray(i * plane, (i + 1) * plane);
      let total = 0;
      let inside = 0;
      for (let y = 0; y < m.height; y++) {
        for (let x = 0; x < m.width; x++) {
          const v = map[y * m.width + x]!;
          total += v;
          const nx = (x + 0.5) / m.width;
          const ny = (y + 0.5) / m.height;
          if (boxesPerFrame[i]!.some((b) => nx >= b.x1 && nx <= b.x2 && ny >= b.y1 && ny <= b.y2))
            inside += v;
        }
      }
      return total > 0 ? inside / total : 1;
    });
    return { modelId: m.id, modelVersion: m.version, threshold: m.threshold, scores, explainedShare };
  }

  close(): void {
    this.sessions.clear();
  }
}
