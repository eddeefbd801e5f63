/**
 * Builds and serves each camera's baseline. A build runs the detector on the camera's normal
 * snapshots (all of them for a full rebuild, only those without stored detections for the current
 * detector for an incremental update), then recomputes the inventory from every stored detection
 * and saves it as the camera's next baseline version, with the detector and snapshot count.
 */
import { AppError } from '../errors/app-error.js';
import { newId } from '../db/ids.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { BlobStore } from '../storage/blob-store.js';
import { DATASETS_BUCKET } from '../datasets/dataset-service.js';
import { readBlob } from '../storage/read-blob.js';
import type { DetectionService } from '../vision/detection-service.js';
import type { CameraDetection } from '../vision/detector-factory.js';
import { frameFeatures } from '../vision/frame-features.js';
import { buildSceneReference } from './scene-reference.js';
import type { Detection } from '../vision/types.js';
import type { BaselineRepository, BaselineRow } from './baseline-repository.js';
import {
  buildBaselineStats,
  type BaselineOptions,
  type BaselineStats,
  type StaticObject,
} from './baseline-stats.js';
import type { JobType } from '../jobs/job-types.js';

export const BASELINE_JOB = 'baseline.build' satisfies JobType;

export interface BaselineView {
  cameraId: string;
  version: number;
  detector: string;
  snapshotCount: number;
  createdAt: string;
  stats: BaselineStats;
  staticObjects: StaticObject[];
}

export interface BuildReport {
  version: number;
  snapshots: number;
  detected: number;
  reused: number;
}

export class BaselineService {
  constructor(
    private readonly repo: BaselineRepository,
    private readonly blobs: BlobStore,
    private readonly detection: DetectionService,
    private readonly detector: CameraDetection,
    private readonly options: BaselineOptions,
    private readonly queue: JobQueue,
    private readonly now: () => number = Date.now,
  ) {}

  /** Queues a build (one per camera at a time: a second request returns the queued one). */
  async requestBuild(cameraId: string, mode: 'full' | 'incremental') {
    const { job } = await this.queue.enqueue(
      BASELINE_JOB,
      { cameraId, mode },
      { dedupeKey: `baseline:${cameraId}` },
    );
    return job;
  }

  /**
   * Queues a rebuild for every camera whose newest baseline another detector, model version or
   * input size built: comparing today's detections with those would find differences of the
   * detector, not of the scene. Returns the cameras queued.
   */
  async rebuildStale(): Promise<string[]> {
    const stale = (await this.repo.latestDetectors()).filter(
      (b) => b.detector !== this.detector.key(b.cameraId),
    );
    for (const b of stale) await this.requestBuild(b.cameraId, 'incremental');
    return stale.map((b) => b.cameraId);
  }

  async build(
    cameraId: string,
    mode: 'full' | 'incremental',
    progress: (done: number, total: number) => void = () => undefined,
    signal?: AbortSignal,
  ): Promise<BuildReport> {
    const snapshots = await this.repo.normalSnapshots(cameraId);
    if (snapshots.length === 0)
      throw new AppError(
        'not_enough_data',
        `camera ${cameraId} has no normal snapshots to build a baseline from`,
      );
    const detectorKey = this.detector.key(cameraId);
    const smallObjectSide = this.detector.smallObjectSide(cameraId);
    const cached =
      mode === 'incremental'
        ? await this.repo.detections(
            snapshots.map((s) => s.id),
            detectorKey,
          )
        : new Map<string, Detection[]>();
    const todo = snapshots.filter((s) => !cached.has(s.id));
    let done = 0;
    // Several requests in flight keep every inference worker busy.
    const concurrency = 4;
    for (let i = 0; i < todo.length; i += concurrency) {
      if (signal?.aborted) throw new AppError('cancelled', 'baseline build was cancelled');
      await Promise.all(
        todo.slice(i, i + concurrency).map(async (s) => {
          const result = await this.detection.detect({
            image: await readBlob(this.blobs, DATASETS_BUCKET, s.blobKey),
            smallObjectSide,
          });
          cached.set(s.id, result.detections);
          await this.repo.saveDetections(s.id, detectorKey, result.detections, this.now());
          progress(++done, todo.length);
        }),
      );
    }
    // The pictures themselves, for the tamper checks: cheap next to detection, so always all of them.
    const pictures = [];
    for (const s of snapshots) {
      const f = await frameFeatures(await readBlob(this.blobs, DATASETS_BUCKET, s.blobKey));
      pictures.push({ light: s.conditions?.light ?? null, ...f });
    }
    const { stats: detectionStats, staticObjects } = buildBaselineStats(
      snapshots.map((s) => ({
        snapshotId: s.id,
        width: s.width,
        height: s.height,
        capturedAt: s.capturedAt,
        conditions: s.conditions,
        detections: cached.get(s.id)!,
      })),
      this.options,
    );
    const stats = { ...detectionStats, scene: buildSceneReference(pictures) };
    const version = await this.repo.insertNext({
      id: newId(),
      camera_id: cameraId,
      detector: detectorKey,
      snapshot_count: snapshots.length,
      stats: JSON.stringify(stats),
      static_objects: JSON.stringify(staticObjects),
      created_at: this.now(),
    });
    return {
      version,
      snapshots: snapshots.length,
      detected: todo.length,
      reused: snapshots.length - todo.length,
    };
  }

  async get(cameraId: string, version?: number): Promise<BaselineView> {
    const row = version ? await this.repo.byVersion(cameraId, version) : await this.repo.latest(cameraId);
    if (!row)
      throw new AppError(
        'not_found',
        `camera ${cameraId} has no baseline${version ? ` version ${version}` : ''} yet`,
      );
    return toView(row);
  }

  /** The most recent normal snapshot: the picture a heatmap is drawn over. */
  async representativeSnapshot(cameraId: string): Promise<Buffer> {
    const snapshots = await this.repo.normalSnapshots(cameraId);
    const last = snapshots.at(-1);
    if (!last) throw new AppError('not_found', `camera ${cameraId} has no normal snapshots`);
    return readBlob(this.blobs, DATASETS_BUCKET, last.blobKey);
  }
}

function toView(row: BaselineRow): BaselineView {
  return {
    cameraId: row.camera_id,
    version: row.version,
    detector: row.detector,
    snapshotCount: row.snapshot_count,
    createdAt: new Date(row.created_at).toISOString(),
    stats: JSON.parse(row.stats) as BaselineStats,
    staticObjects: JSON.parse(row.static_objects) as StaticObject[],
  };
}
