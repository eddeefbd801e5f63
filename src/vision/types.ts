/** Shapes shared by every detector. Boxes are in the image's own pixels (after EXIF rotation). */
export interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface Detection {
  label: string;
  classId: number;
  score: number;
  box: Box;
}

/** RGB, 3 bytes per pixel, row-major. */
export interface DecodedImage {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface DetectorInfo {
  /** e.g. "centernet" or "yolo:yolov8n". */
  name: string;
  version: string;
  /** What runs it: onnxruntime or tfjs (wasm). */
  runtime: 'onnx' | 'tfjs';
}

/** Raw candidates from a model, before filters and NMS. */
export interface Detector {
  readonly info: DetectorInfo;
  /**
   * `smallObjectSide`: the longer side of the network's input, the aspect kept (detectors with a fixed
   * input, like a user's YOLO export, ignore it).
   */
  candidates(image: DecodedImage, options?: { smallObjectSide?: number }): Promise<Detection[]>;
  dispose(): Promise<void>;
}
