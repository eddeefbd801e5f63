/**
 * Labelled snapshot datasets: one default dataset per camera (edges upload into it), more by
 * import. Images are validated, deduplicated by content hash within a dataset (skipped and
 * counted), and stored as `datasets/{dataset_id}/{label}/{sha256}.{ext}` in the blob store, with
 * their metadata in SQLite. Labels are the built-in ones plus the custom labels an edge's bootstrap
 * token allowed; anything else is refused.
 */
import { createHash } from 'node:crypto';
import { assertTimeMs } from '../errors/value-checks.js';
import { AppError } from '../errors/app-error.js';
import { newId } from '../db/ids.js';
import type { BlobStore } from '../storage/blob-store.js';
import { readBlob } from '../storage/read-blob.js';
import { BUILTIN_LABELS, assertCameraId, assertLabel } from '../edges/names.js';
import type { CameraRepository } from '../edges/camera-repository.js';
import type { DomainEventBus } from '../app/domain-events.js';
import type { DatasetRepository, DatasetRow, SnapshotRow } from './dataset-repository.js';
import { validateSnapshotImage, type ImageLimits } from './snapshot-validation.js';

export const DATASETS_BUCKET = 'datasets';

export interface Conditions {
  light?: string;
  weather?: string;
  season?: string;
}

export interface SnapshotInput {
  label: string;
  image: Buffer;
  capturedAt?: number | null;
  conditions?: Conditions | null;
}

export type AddOutcome =
  { status: 'accepted'; snapshotId: string } | { status: 'duplicate'; snapshotId: string };

export interface DatasetView {
  id: string;
  cameraId: string;
  name: string;
  imageCount: number;
  duplicateCount: number;
  totalBytes: number;
  quotaBytes: number;
  labels: Record<string, { count: number; bytes: number }>;
  conditions: Record<string, Record<string, number>>;
  createdAt: string;
  updatedAt: string;
}

export interface DatasetSettings extends ImageLimits {
  defaultQuotaBytes: number;
  totalQuotaBytes: number;
}

export class DatasetService {
  constructor(
    private readonly repo: DatasetRepository,
    private readonly cameras: CameraRepository,
    private readonly blobs: BlobStore,
    private readonly bus: DomainEventBus,
    private readonly settings: DatasetSettings,
    private readonly now: () => number = Date.now,
  ) {}

  /** The camera's default dataset (created on first use). */
  async defaultDataset(cameraId: string): Promise<DatasetRow> {
    const existing = (await this.repo.list({ cameraId })).find((d) => d.name === 'default');
    return existing ?? this.create(cameraId, 'default');
  }

  async create(cameraId: string, name: string): Promise<DatasetRow> {
    assertCameraId(cameraId);
    if (!(await this.cameras.get(cameraId)))
      throw new AppError('not_found', `camera ${cameraId} does not exist`);
    if (!/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/.test(name)) {
      throw new AppError('validation_failed', 'dataset name: 1-64 letters, digits, spaces, ".", "_" or "-"');
    }
    const now = this.now();
    const id = newId();
    await this.repo.insert({
      id,
      camera_id: cameraId,
      name,
      quota_bytes: null,
      created_at: now,
      updated_at: now,
    });
    return (await this.repo.get(id))!;
  }

  async require(id: string): Promise<DatasetRow> {
    const row = await this.repo.get(id);
    if (!row) throw new AppError('not_found', `dataset ${id} does not exist`);
    return row;
  }

  assertLabelAllowed(label: string, customLabels: readonly string[] | null): void {
    assertLabel(label);
    if ((BUILTIN_LABELS as readonly string[]).includes(label)) return;
    if (customLabels?.includes(label)) return;
    throw new AppError(
      'validation_failed',
      `label ${label} is not known: use ${BUILTIN_LABELS.join(', ')}${customLabels?.length ? ` or ${customLabels.join(', ')}` : ''}`,
      { field: 'label' },
    );
  }

  /**
   * Validates and stores one snapshot. The blob is written (and durable) before its row exists, so
   * an acknowledged snapshot is never lost; a crash in between leaves only an orphan blob.
   */
  async addSnapshot(
    dataset: DatasetRow,
    input: SnapshotInput,
    customLabels: readonly string[] | null,
  ): Promise<AddOutcome> {
    this.assertLabelAllowed(input.label, customLabels);
    if (input.capturedAt != null) assertTimeMs(input.capturedAt, 'capturedAt');
    const info = await validateSnapshotImage(input.image, this.settings);
    const sha256 = createHash('sha256').update(input.image).digest('hex');
    const now = this.now();
    const duplicate = await this.repo.findBySha(dataset.id, sha256);
    if (duplicate) {
      await this.repo.countDuplicate(dataset.id, now);
      return { status: 'duplicate', snapshotId: duplicate.id };
    }
    const fresh = await this.require(dataset.id);
    const quota = fresh.quota_bytes ?? this.settings.defaultQuotaBytes;
    if (fresh.total_bytes + input.image.length > quota) {
      throw new AppError('quota_exceeded', `dataset ${dataset.id} would exceed its quota of ${quota} bytes`);
    }
    if ((await this.repo.totalBytes()) + input.image.length > this.settings.totalQuotaBytes) {
      throw new AppError(
        'quota_exceeded',
        `all datasets together would exceed ${this.settings.totalQuotaBytes} bytes`,
      );
    }
    const key = `${dataset.id}/${input.label}/${sha256}.${info.extension}`;
    await this.blobs.ensureBucket(DATASETS_BUCKET);
    await this.blobs.put(DATASETS_BUCKET, key, input.image, {
      sha256,
      size: input.image.length,
      contentType: info.contentType,
    });
    const snapshotId = newId();
    const conditions = cleanConditions(input.conditions);
    await this.recordSnapshot(dataset.id, key, sha256, () =>
      this.repo.addSnapshot(
        {
          id: snapshotId,
          dataset_id: dataset.id,
          camera_id: dataset.camera_id,
          label: input.label,
          blob_key: key,
          sha256,
          size: input.image.length,
          width: info.width,
          height: info.height,
          content_type: info.contentType,
          captured_at: input.capturedAt ?? null,
          conditions: conditions ? JSON.stringify(conditions) : null,
          created_at: now,
        },
        now,
      ),
    );
    return { status: 'accepted', snapshotId };
  }

  /**
   * Writes the row of a blob just stored; if that fails, removes the blob unless another row (a
   * concurrent upload of the same image) now points at it, so a refused snapshot leaves no orphan.
   */
  private async recordSnapshot(
    datasetId: string,
    key: string,
    sha256: string,
    insert: () => Promise<unknown>,
  ) {
    try {
      await insert();
    } catch (err) {
      if (!(await this.repo.findBySha(datasetId, sha256)))
        await this.blobs.delete(DATASETS_BUCKET, key).catch(() => undefined);
      throw err;
    }
  }

  /** Tells interested capabilities (training automation) that a dataset grew. */
  announceUpdate(dataset: DatasetRow, accepted: number): void {
    if (accepted > 0)
      this.bus.publish('dataset.updated', { datasetId: dataset.id, cameraId: dataset.camera_id, accepted });
  }

  async view(id: string): Promise<DatasetView> {
    const row = await this.require(id);
    return {
      id: row.id,
      cameraId: row.camera_id,
      name: row.name,
      imageCount: row.image_count,
      duplicateCount: row.duplicate_count,
      totalBytes: row.total_bytes,
      quotaBytes: row.quota_bytes ?? this.settings.defaultQuotaBytes,
      labels: await this.repo.labelCounts(id),
      conditions: await this.repo.conditionCounts(id),
      createdAt: new Date(row.created_at).toISOString(),
      updatedAt: new Date(row.updated_at).toISOString(),
    };
  }

  async list(filter: { cameraId?: string }): Promise<DatasetView[]> {
    return Promise.all((await this.repo.list(filter)).map((d) => this.view(d.id)));
  }

  snapshots(datasetId: string, label?: string): Promise<SnapshotRow[]> {
    return this.repo.snapshots(datasetId, label);
  }

  readSnapshot(row: SnapshotRow): Promise<Buffer> {
    return readBlob(this.blobs, DATASETS_BUCKET, row.blob_key);
  }

  async setQuota(id: string, quotaBytes: number | null): Promise<DatasetView> {
    await this.require(id);
    await this.repo.setQuota(id, quotaBytes, this.now());
    return this.view(id);
  }

  /** Takes back snapshots (an archive refused after some of it was stored): rows, then blobs. */
  async removeSnapshots(dataset: DatasetRow, ids: string[]): Promise<void> {
    const removed = await this.repo.deleteSnapshots(dataset.id, ids, this.now());
    for (const s of removed) await this.blobs.delete(DATASETS_BUCKET, s.blob_key).catch(() => undefined);
  }

  /** Deletes the rows first (the dataset disappears at once), then its blobs. */
  async delete(id: string): Promise<void> {
    await this.require(id);
    const snapshots = await this.repo.snapshots(id);
    await this.repo.delete(id);
    for (const s of snapshots) await this.blobs.delete(DATASETS_BUCKET, s.blob_key);
  }
}

function cleanConditions(c: Conditions | null | undefined): Conditions | null {
  if (!c) return null;
  const out: Conditions = {};
  for (const key of ['light', 'weather', 'season'] as const) {
    const v = c[key]?.trim().toLowerCase();
    if (!v) continue;
    if (!/^[a-z][a-z0-9 _-]{0,31}$/.test(v))
      throw new AppError(
        'validation_failed',
        `condition ${key} ${JSON.stringify(v.slice(0, 40))} is not allowed`,
      );
    out[key] = v;
  }
  return Object.keys(out).length ? out : null;
}
