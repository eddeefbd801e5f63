import type { Config } from '../config/schema.js';
import path from 'node:path';
import { CenterNetDetector, centernetVersion } from './centernet-detector.js';
import { DEFAULT_FILTERS, type DetectionFilters } from './postprocess.js';
import type { Detector } from './types.js';
import { YoloDetector } from './yolo-detector.js';

export type VisionConfig = Config['vision'];

/** What a worker needs to build its detector (plain data: it crosses the thread boundary). */
export interface DetectorSpec {
  detector: 'centernet' | 'yolo';
  runtime: 'onnx' | 'tfjs';
  onnxThreads: number;
  yoloModelPath?: string;
  filters: DetectionFilters;
  /** The network input's longer side when a request names none. */
  smallObjectSide: number;
}

export function detectorSpec(v: VisionConfig): DetectorSpec {
  return {
    detector: v.detector,
    runtime: v.runtime,
    onnxThreads: v.onnxThreads,
    ...(v.yoloModelPath ? { yoloModelPath: v.yoloModelPath } : {}),
    smallObjectSide: v.smallObjectSide,
    filters: {
      ...DEFAULT_FILTERS,
      minScore: v.minScore,
      classMinScore: v.classMinScore,
      minArea: v.minArea,
      maxArea: v.maxArea,
      minRatio: v.minRatio,
      maxRatio: v.maxRatio,
      nms: v.nms,
      iouThreshold: v.iouThreshold,
      maxDetections: v.maxDetections,
    },
  };
}

export function createDetector(spec: DetectorSpec): Promise<Detector> {
  if (spec.detector === 'yolo') {
    // Candidates below the lowest threshold in use can never pass the filters.
    const floor = Math.min(spec.filters.minScore, ...Object.values(spec.filters.classMinScore));
    return YoloDetector.load(spec.yoloModelPath!, { minScore: floor });
  }
  return CenterNetDetector.load({ runtime: spec.runtime, threads: spec.onnxThreads });
}

/**
 * A stable name for the configured detector, model version and input
 * ("centernet@mb3-centernet@human-3.3.6+onnx+small768", "yolo:yolov8n@onnx"): stored with detections and
 * baselines, so a change of model or input size is noticed and the baseline rebuilt with it.
 */
export function detectorKey(spec: DetectorSpec, smallObjectSide = spec.smallObjectSide): string {
  if (spec.detector === 'yolo') return `yolo:${path.basename(spec.yoloModelPath!, '.onnx')}@onnx`;
  // The runtimes agree closely but not bit for bit: a baseline built on one is rebuilt on the other.
  const runtime = spec.runtime === 'onnx' ? '+onnx' : '';
  return `centernet@${centernetVersion()}${runtime}${smallObjectSide > 0 ? `+small${smallObjectSide}` : ''}`;
}

/** How each camera's frames and snapshots are detected: its input side and the key stored with them. */
export interface CameraDetection {
  smallObjectSide(cameraId: string): number;
  key(cameraId: string): string;
}

export function cameraDetection(v: VisionConfig): CameraDetection {
  const spec = detectorSpec(v);
  const smallObjectSide = (cameraId: string) => v.cameraSmallObjectSide[cameraId] ?? v.smallObjectSide;
  return { smallObjectSide, key: (cameraId) => detectorKey(spec, smallObjectSide(cameraId)) };
}
