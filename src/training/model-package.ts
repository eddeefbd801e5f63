/**
 * What a trained model becomes in storage: `models/{model_id}/model.onnx` and `metadata.json`.
 * metadata.json is what an edge (and the model catalog) reads to run the model correctly.
 */
import { createHash } from 'node:crypto';
import type { BlobStore } from '../storage/blob-store.js';
import type { CaeArchitecture } from './cae-architecture.js';
import type { Calibration } from './threshold.js';
import type { ScoreCalibration } from './score-calibration.js';
import { ONNX_IO, ONNX_OPSET } from './onnx-export.js';
import type { ExportValidation } from './onnx-validate.js';

export const MODELS_BUCKET = 'models';

export interface ModelMetadata {
  model_id: string;
  version: string;
  camera_id: string;
  type: 'cae';
  format: 'onnx';
  opset: number;
  framework: string;
  input: {
    name: string;
    shape: [number | 'N', number, number, number];
    layout: 'NCHW';
    color: 'RGB';
    dtype: 'float32';
  };
  outputs: { recon: string; score: string; error_map: string };
  preprocessing: {
    resize: 'stretch';
    width: number;
    height: number;
    scale: number;
    mean: number[];
    std: number[];
  };
  architecture: CaeArchitecture;
  latent_dim: number;
  threshold: number;
  threshold_rule: Calibration['rule'] & { source: Calibration['source']; margin?: number };
  /** What `score` means (absent in models trained before the calibrated score: plain MSE). */
  score_definition?: ScoreDefinition;
  dataset_id: string;
  training_job_id: string;
  trained_at: string;
  sha256: string;
  size: number;
  metrics: Record<string, unknown>;
  export_validation: ExportValidation;
}

export interface ScoreDefinition {
  kind: 'local_error_and_sharpness';
  description: string;
  window: number;
  error_scale: number;
  sharpness_ref: number;
  blur_scale: number;
}

export function scoreDefinition(cal: ScoreCalibration): ScoreDefinition {
  return {
    kind: 'local_error_and_sharpness',
    description:
      'max(errorScale * max over window x window squares of the mean per-pixel standardised ' +
      'reconstruction error, blurScale * (1 - sharpness / sharpnessRef)); sharpness is the mean ' +
      'squared Laplacian of the grey image. Above the threshold means anomalous.',
    window: cal.window,
    error_scale: cal.errorScale,
    sharpness_ref: cal.sharpnessRef,
    blur_scale: cal.blurScale,
  };
}

export function nextVersion(existing: string[]): string {
  let major = 0;
  for (const v of existing) {
    const m = /^(\d+)\.\d+\.\d+$/.exec(v);
    if (m) major = Math.max(major, Number(m[1]));
  }
  return `${major + 1}.0.0`;
}

export function buildMetadata(
  input: Omit<
    ModelMetadata,
    'type' | 'format' | 'opset' | 'input' | 'outputs' | 'preprocessing' | 'latent_dim' | 'sha256' | 'size'
  > & { onnx: Uint8Array },
): ModelMetadata {
  const { onnx, ...rest } = input;
  const a = input.architecture;
  return {
    ...rest,
    type: 'cae',
    format: 'onnx',
    opset: ONNX_OPSET,
    input: {
      name: ONNX_IO.input,
      shape: ['N', 3, a.inputHeight, a.inputWidth],
      layout: 'NCHW',
      color: 'RGB',
      dtype: 'float32',
    },
    outputs: { recon: ONNX_IO.recon, score: ONNX_IO.score, error_map: ONNX_IO.errorMap },
    // Pixels are divided by 255; no mean/std normalisation (the sigmoid output is in 0..1 too).
    preprocessing: {
      resize: 'stretch',
      width: a.inputWidth,
      height: a.inputHeight,
      scale: 1 / 255,
      mean: [0, 0, 0],
      std: [1, 1, 1],
    },
    latent_dim: a.latentDim,
    sha256: createHash('sha256').update(onnx).digest('hex'),
    size: onnx.length,
  };
}

/** Writes model.onnx first, metadata.json last: a model directory with metadata is complete. */
export async function storeModelPackage(
  blobs: BlobStore,
  metadata: ModelMetadata,
  onnx: Uint8Array,
): Promise<void> {
  await blobs.ensureBucket(MODELS_BUCKET);
  await blobs.put(MODELS_BUCKET, `${metadata.model_id}/model.onnx`, Buffer.from(onnx), {
    sha256: metadata.sha256,
    size: metadata.size,
    contentType: 'application/octet-stream',
  });
  await blobs.put(
    MODELS_BUCKET,
    `${metadata.model_id}/metadata.json`,
    Buffer.from(JSON.stringify(metadata, null, 2)),
    {
      contentType: 'application/json',
    },
  );
}
