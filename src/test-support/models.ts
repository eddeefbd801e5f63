import type { Service } from '../app/compose.js';
import { newId } from '../db/ids.js';
import { initParameters } from '../training/cae-parameters.js';
import type { CaeArchitecture } from '../training/cae-architecture.js';
import { buildMetadata, storeModelPackage } from '../training/model-package.js';
import { exportCaeToOnnx } from '../training/onnx-export.js';

/** A real CAE ONNX package with random weights, and its metadata (not stored). */
export function buildTestPackage(opts: {
  version: string;
  cameraId?: string | null;
  arch?: CaeArchitecture;
  framework?: string;
}) {
  const arch = opts.arch ?? {
    inputHeight: 32,
    inputWidth: 32,
    channels: [4, 8, 8],
    latentDim: 16,
    kernelSize: 3,
  };
  const id = newId();
  const onnx = exportCaeToOnnx(arch, initParameters(arch, 1));
  const metadata = buildMetadata({
    model_id: id,
    version: opts.version,
    camera_id: opts.cameraId ?? '',
    framework: opts.framework ?? 'test',
    architecture: arch,
    threshold: 0.01,
    threshold_rule: { rule: 'percentile', percentile: 99, source: 'normal_rule' },
    dataset_id: '',
    training_job_id: '',
    trained_at: new Date().toISOString(),
    metrics: {},
    export_validation: {
      images: 0,
      maxDiff: { recon: 0, score: 0, errorMap: 0 },
      maxAbsDiff: 0,
      tolerance: 1e-4,
      passed: true,
    },
    onnx,
  });
  return { id, metadata, onnx };
}

/** A test package stored and registered through the catalog. */
export async function registerTestModel(
  service: Service,
  opts: { version: string; cameraId?: string | null; arch?: CaeArchitecture },
): Promise<string> {
  const { id, metadata, onnx } = buildTestPackage(opts);
  await storeModelPackage(service.blobStore, metadata, onnx);
  await service.models.catalog.register(id, 'test');
  return id;
}
