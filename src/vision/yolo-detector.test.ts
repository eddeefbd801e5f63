import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { create, toBinary } from '@bufbuild/protobuf';
import sharp from 'sharp';
import { AttributeProto_AttributeType, ModelProtoSchema } from '../gen/onnx/onnx_subset_pb.js';
import { decodeImage } from './decode.js';
import { runDetection } from './detection.js';
import { DEFAULT_FILTERS } from './postprocess.js';
import { letterboxGeometry, YoloDetector } from './yolo-detector.js';

const SIZE = 64;

/**
 * A YOLOv8-shaped ONNX model whose output is a known constant [1, 84, 3]: two overlapping "dog"
 * boxes (scores 0.9 and 0.6) and one "person" box, in 64x64 input pixels (cx, cy, w, h).
 */
async function constantYoloModel(): Promise<string> {
  const n = 3;
  const out = new Float32Array(84 * n);
  const boxes = [
    [32, 32, 20, 20, 16, 0.9], // dog
    [33, 33, 20, 20, 16, 0.6], // dog, overlaps the first
    [10, 40, 8, 16, 0, 0.8], // person
  ];
  boxes.forEach(([cx, cy, w, h, cls, score], i) => {
    out[i] = cx!;
    out[n + i] = cy!;
    out[2 * n + i] = w!;
    out[3 * n + i] = h!;
    out[(4 + cls!) * n + i] = score!;
  });
  const dims = (d: (number | string)[]) => ({
    dim: d.map((v) => (typeof v === 'string' ? { dimParam: v } : { dimValue: BigInt(v) })),
  });
  const model = create(ModelProtoSchema, {
    irVersion: 8n,
    opsetImport: [{ domain: '', version: 17n }],
    graph: {
      name: 'yolo-constant',
      node: [
        {
          opType: 'Constant',
          output: ['output0'],
          attribute: [
            {
              name: 'value',
              type: AttributeProto_AttributeType.TENSOR,
              t: { dims: [1n, 84n, BigInt(n)], dataType: 1, rawData: new Uint8Array(out.buffer) },
            },
          ],
        },
      ],
      input: [{ name: 'images', type: { tensorType: { elemType: 1, shape: dims([1, 3, SIZE, SIZE]) } } }],
      output: [{ name: 'output0', type: { tensorType: { elemType: 1, shape: dims([1, 84, n]) } } }],
    },
  });
  const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'uvm-yolo-')), 'constant.onnx');
  await writeFile(file, toBinary(ModelProtoSchema, model));
  return file;
}

describe('YOLO ONNX detector', () => {
  it('letterboxes, decodes [1,84,N] back to image pixels and suppresses the duplicate', async () => {
    const detector = await YoloDetector.load(await constantYoloModel(), { minScore: 0.3 });
    // A 128x64 image: scale 0.5, padded 16 px top and bottom in the 64x64 input.
    const jpeg = await sharp({ create: { width: 128, height: 64, channels: 3, background: 'white' } })
      .jpeg()
      .toBuffer();
    assert.deepEqual(letterboxGeometry(128, 64, SIZE), { scale: 0.5, padX: 0, padY: 16, size: SIZE });
    const r = await runDetection(detector, DEFAULT_FILTERS, { image: jpeg });
    assert.equal(r.detector.name, 'yolo:constant');
    assert.deepEqual(
      r.detections.map((d) => [d.label, d.score.toFixed(1), d.box.x1, d.box.y1, d.box.x2, d.box.y2]),
      [
        ['dog', '0.9', 44, 12, 84, 52],
        ['person', '0.8', 12, 32, 28, 64],
      ],
    );
    const img = await decodeImage(jpeg);
    assert.equal((await detector.candidates(img)).length, 3, 'NMS happens after decoding');
    await detector.dispose();
  });
});
