import { decodeImage } from './decode.js';
import { filterDetections, type DetectionFilters } from './postprocess.js';
import type { Detection, Detector, DetectorInfo } from './types.js';

export interface DetectRequest {
  image: Uint8Array;
  /** Per-request filter changes (e.g. a lower threshold to look at a camera's view). */
  filters?: Partial<DetectionFilters>;
  /** The network input's longer side for this image (per camera); the detector's default if absent. */
  smallObjectSide?: number;
}

export interface DetectResult {
  detector: DetectorInfo;
  width: number;
  height: number;
  detections: Detection[];
  inferenceMs: number;
}

/** Decode, run the model, filter: what one inference worker does per request. */
export async function runDetection(
  detector: Detector,
  filters: DetectionFilters,
  req: DetectRequest,
  defaultSmallObjectSide?: number,
): Promise<DetectResult> {
  const image = await decodeImage(req.image);
  const t0 = performance.now();
  const candidates = await detector.candidates(image, {
    ...(defaultSmallObjectSide !== undefined ? { smallObjectSide: defaultSmallObjectSide } : {}),
    ...(req.smallObjectSide !== undefined ? { smallObjectSide: req.smallObjectSide } : {}),
  });
  const inferenceMs = performance.now() - t0;
  const detections = filterDetections(candidates, image.width, image.height, { ...filters, ...req.filters });
  return { detector: detector.info, width: image.width, height: image.height, detections, inferenceMs };
}
