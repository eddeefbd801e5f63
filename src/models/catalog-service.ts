/** The model catalog: every version with its metadata, status and where it runs. */
import { Readable } from 'node:stream';
import { AppError } from '../errors/app-error.js';
import type { BlobStore } from '../storage/blob-store.js';
import { readBlob } from '../storage/read-blob.js';
import { ModelBytesCache } from './model-bytes-cache.js';
import { MODELS_BUCKET } from '../training/model-package.js';
import type { AuditLog } from './audit-repository.js';
import { checkStoredModel } from './model-package-check.js';
import type { ModelMetadata } from '../training/model-package.js';
import type { ModelRepository, ModelRow } from './model-repository.js';

export interface ModelView {
  id: string;
  cameraId: string | null;
  kind: string;
  name: string;
  version: string;
  format: string;
  opset: number | null;
  inputShape: unknown;
  size: number;
  sha256: string;
  threshold: number | null;
  datasetId: string | null;
  trainingJobId: string | null;
  metrics: unknown;
  status: string;
  createdAt: string;
}

export function toModelView(m: ModelRow): ModelView {
  return {
    id: m.id,
    cameraId: m.camera_id,
    kind: m.kind,
    name: m.name,
    version: m.version,
    format: m.format,
    opset: m.opset,
    inputShape: m.input_shape ? JSON.parse(m.input_shape) : null,
    size: m.size,
    sha256: m.sha256,
    threshold: m.threshold,
    datasetId: m.dataset_id,
    trainingJobId: m.training_job_id,
    metrics: m.metrics ? JSON.parse(m.metrics) : null,
    status: m.status,
    createdAt: new Date(m.created_at).toISOString(),
  };
}

export class CatalogService {
  constructor(
    private readonly repo: ModelRepository,
    private readonly blobs: BlobStore,
    private readonly audit: AuditLog,
    private readonly cache = new ModelBytesCache(0),
  ) {}

  /** Registers a package already in the store (model.onnx + metadata.json), after the registration check. */
  async register(modelId: string, actor: string): Promise<ModelView> {
    const m: ModelMetadata = await checkStoredModel(this.blobs, modelId);
    await this.repo.insertModel({
      id: modelId,
      camera_id: m.camera_id || null,
      kind: m.type === 'cae' ? 'cae' : 'detector',
      name: m.camera_id ? `cae-${m.camera_id}` : `model-${modelId.slice(0, 8)}`,
      version: m.version,
      opset: m.opset,
      input_shape: JSON.stringify(m.input.shape),
      size: m.size,
      sha256: m.sha256,
      threshold: m.threshold,
      dataset_id: null,
      training_job_id: null,
      metrics: JSON.stringify(m.metrics ?? {}),
      metadata: JSON.stringify(m),
      status: 'ready',
      created_at: Date.now(),
    });
    await this.audit.record({
      actor,
      action: 'model.registered',
      subjectType: 'model',
      subjectId: modelId,
      details: { version: m.version },
    });
    return this.get(modelId);
  }

  async list(filter: { cameraId?: string; kind?: string; status?: string }): Promise<ModelView[]> {
    return (await this.repo.models(filter)).map(toModelView);
  }

  async require(id: string): Promise<ModelRow> {
    const m = await this.repo.model(id);
    if (!m) throw new AppError('not_found', `model ${id} does not exist`);
    return m;
  }

  async get(id: string): Promise<ModelView> {
    return toModelView(await this.require(id));
  }

  async archive(id: string, actor: string): Promise<ModelView> {
    const m = await this.require(id);
    if (await this.repo.inUse(id))
      throw new AppError('conflict', `model ${id} is deployed; roll it back before archiving`);
    await this.repo.setModelStatus(id, 'archived');
    await this.audit.record({
      actor,
      action: 'model.archived',
      subjectType: 'model',
      subjectId: id,
      details: { from: m.status },
    });
    return this.get(id);
  }

  async delete(id: string, actor: string): Promise<void> {
    await this.require(id);
    if (await this.repo.inUse(id))
      throw new AppError('conflict', `model ${id} is deployed; roll it back before deleting it`);
    await this.repo.deleteModel(id).catch(() => {
      throw new AppError('conflict', `model ${id} is referenced by past deployments; archive it instead`);
    });
    this.cache.drop(id);
    await this.blobs.delete(MODELS_BUCKET, `${id}/model.onnx`);
    await this.blobs.delete(MODELS_BUCKET, `${id}/metadata.json`);
    await this.audit.record({ actor, action: 'model.deleted', subjectType: 'model', subjectId: id });
  }

  /** model.onnx from `offset` (resumable downloads), with its size and sha256. */
  async open(
    id: string,
    offset = 0,
  ): Promise<{ stream: Readable; size: number; sha256: string; offset: number }> {
    const m = await this.require(id);
    if (offset < 0 || offset > m.size)
      throw new AppError('range_not_satisfiable', `offset ${offset} is outside the model's ${m.size} bytes`);
    if (offset === m.size) {
      return { stream: Readable.from([]), size: m.size, sha256: m.sha256, offset };
    }
    const bytes = await this.cache.get(id, m.size, () =>
      readBlob(this.blobs, MODELS_BUCKET, `${id}/model.onnx`),
    );
    // One view of the held bytes; the gRPC download cuts it into chunks (views too, no copies).
    if (bytes)
      return { stream: Readable.from([bytes.subarray(offset)]), size: m.size, sha256: m.sha256, offset };
    const read = await this.blobs.get(MODELS_BUCKET, `${id}/model.onnx`, { start: offset, end: m.size - 1 });
    return { stream: read.stream, size: m.size, sha256: m.sha256, offset };
  }
}
