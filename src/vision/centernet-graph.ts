/**
 * CenterNet's TF.js graph is fully convolutional, but the converter baked the 512x512 input into a
 * few constants: the placeholder's shape, the three upsampling sizes of the head (strides 16, 8, 4),
 * the heatmap's width used to turn a flat peak index into (x, y), and the gather shape of the box
 * sizes. Rewriting exactly those gives the same network at any input whose sides are multiples of
 * 32 (the backbone's stride): a 768x576 camera frame is then seen at its own resolution, which
 * small objects need (a 60 px dog: 0 of 15 found at 512x512, 15 of 15 at 768x576 on the tuning
 * frames). Large objects fare worse there (the model was trained on stretched 512x512 views: the
 * parked van turns from truck to car, a close-up dog is missed), so the high-resolution pass only
 * adds small objects to the 512x512 one (docs/BENCHMARKS.md).
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { area, iou } from './postprocess.js';
import type { Detection } from './types.js';

export const MODEL_INPUT = 512;
export const STRIDE = 32;

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string };
}

/** The int32 constants that carry the input size, and what they must hold for W x H. */
const SIZE_CONSTANTS: Record<string, (w: number, h: number) => number[]> = {
  'tower_0/CenternetHead/c5_upsample/up_sampling2d/mul': (w, h) => [h / 16, w / 16],
  'tower_0/CenternetHead/c4_upsample/up_sampling2d_1/mul': (w, h) => [h / 8, w / 8],
  'tower_0/CenternetHead/c3_upsample/up_sampling2d_2/mul': (w, h) => [h / 4, w / 4],
  'tower_0/strided_slice_6': (w) => [w / 4],
  'tower_0/BatchGather/concat': (w, h) => [(h / 4) * (w / 4), 4],
};

const bytesOf = (s: WeightSpec) =>
  s.shape.reduce((a, b) => a * b, 1) *
  (s.quantization ? (s.quantization.dtype === 'uint8' ? 1 : 2) : s.dtype === 'bool' ? 1 : 4);

/**
 * The network's input for an image: the longer side `side` px, the aspect kept, both sides rounded
 * to multiples of 32 (never below 64).
 */
export function inputFor(width: number, height: number, side: number): { width: number; height: number } {
  const scale = side / Math.max(width, height);
  const round = (v: number) => Math.max(2 * STRIDE, Math.round((v * scale) / STRIDE) * STRIDE);
  return { width: round(width), height: round(height) };
}

/** The model artefacts for an input of `width` x `height` (multiples of 32). */
export function resizedGraph(
  json: tfTypes.io.ModelJSON,
  weights: Buffer,
  width: number,
  height: number,
): tfTypes.io.ModelArtifacts {
  if (width % STRIDE || height % STRIDE)
    throw new Error(`input ${width}x${height} is not a multiple of ${STRIDE}`);
  const specs = json.weightsManifest.flatMap((g) => g.weights) as WeightSpec[];
  const data = Buffer.from(weights);
  let offset = 0;
  const found = new Set<string>();
  for (const spec of specs) {
    const rewrite = SIZE_CONSTANTS[spec.name];
    if (rewrite) {
      if (spec.dtype !== 'int32' || spec.quantization)
        throw new Error(`${spec.name} is not a plain int32 constant`);
      rewrite(width, height).forEach((v, i) => data.writeInt32LE(v, offset + 4 * i));
      found.add(spec.name);
    }
    offset += bytesOf(spec);
  }
  if (offset !== data.length || found.size !== Object.keys(SIZE_CONSTANTS).length)
    throw new Error('the CenterNet graph is not the one this rewrite knows (weights or constants differ)');
  const topology = structuredClone(json.modelTopology) as {
    node: { op: string; attr: { shape?: { shape: { dim: { size: string }[] } } } }[];
  };
  const dims = [1, height, width, 3].map((size) => ({ size: String(size) }));
  const placeholder = topology.node.find((n) => n.op === 'Placeholder')!;
  placeholder.attr.shape!.shape.dim = dims;
  return {
    modelTopology: topology,
    weightSpecs: specs as tfTypes.io.WeightsManifestEntry[],
    weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.length),
    // The signature repeats the input shape; the executor checks inputs against it.
    ...(json.signature
      ? {
          signature: {
            ...(json.signature as Record<string, unknown>),
            inputs: {
              'tower_0/images': { name: 'tower_0/images', dtype: 'DT_FLOAT', tensorShape: { dim: dims } },
            },
          },
        }
      : {}),
  };
}

/** Objects at most this share of the frame's height tall are the high-resolution pass's to add. */
export const SMALL_OBJECT_HEIGHT = 0.2;
/** A whole-frame candidate this confident keeps its object whatever the fine pass says. */
const CONFIDENT = 0.5;
/** A whole-frame candidate that would pass the usual filters. */
const PASSING = 0.3;
/**
 * Between vehicle classes the whole-frame view is the better judge: at full resolution the model
 * calls a parked van a car in a third of the frames, and a baseline whose expected static object
 * changes class from frame to frame reports it missing.
 */
const VEHICLES = new Set(['bicycle', 'car', 'motorcycle', 'bus', 'truck', 'train', 'boat']);

/**
 * The high-resolution pass's small objects that the whole-frame pass did not already settle. A
 * fine box overlapping a whole-frame box is dropped where that box is confident, or passing and
 * both are vehicles; otherwise both stay and NMS keeps the better scored view (a 60 px dog the
 * whole frame calls a person at 0.36 is a dog at 0.42 in the fine pass).
 */
export function smallObjectsOnlyIn(fine: Detection[], whole: Detection[], frameHeight: number): Detection[] {
  const settles = (w: Detection, d: Detection) =>
    w.score >= CONFIDENT || (w.score >= PASSING && VEHICLES.has(w.label) && VEHICLES.has(d.label));
  return fine.filter(
    (d) =>
      d.box.y2 - d.box.y1 <= SMALL_OBJECT_HEIGHT * frameHeight &&
      !whole.some(
        (w) =>
          settles(w, d) &&
          // Inside a much larger box is a different object (a person by a lorry), not the same one.
          (iou(w.box, d.box) > 0.2 || (contains(w.box, d.box) && area(w.box) <= 4 * area(d.box))),
      ),
  );
}

const contains = (outer: Detection['box'], inner: Detection['box']) =>
  inner.x1 >= outer.x1 && inner.y1 >= outer.y1 && inner.x2 <= outer.x2 && inner.y2 <= outer.y2;
