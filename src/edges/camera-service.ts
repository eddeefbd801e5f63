import type { DomainEventBus } from '../app/domain-events.js';
import type { Transactor } from '../db/transaction.js';
import type { CameraReadiness } from '../db/tables.js';
import { AppError } from '../errors/app-error.js';
import type { CameraRepository, CameraRow } from './camera-repository.js';
import type { EdgeIdentity } from './edge-identity.js';
import type { BootstrapTokenRepository } from './bootstrap-token-repository.js';
import type { EdgeRepository } from './edge-repository.js';
import { assertCameraId, assertLabel } from './names.js';

export interface ReportedCamera {
  cameraId: string;
  name: string;
  kind: 'rtsp' | 'usb' | 'other';
  width: number;
  height: number;
  fps: number;
  labelledSnapshotCounts: Record<string, number>;
  online: boolean;
}

export interface CameraStatus {
  cameraId: string;
  allowed: boolean;
  readiness: CameraReadiness | null;
  normalSnapshotsMissing: number;
  reason: string;
}

export interface CameraView {
  id: string;
  edgeId: string;
  name: string;
  kind: string;
  width: number | null;
  height: number | null;
  fps: number | null;
  online: boolean;
  readiness: CameraReadiness;
  allowed: boolean;
  labelledSnapshotCounts: Record<string, number>;
  lastSeenAt: string | null;
}

const MAX_CAMERAS_PER_EDGE = 64;

/**
 * Cameras as edges report them, and their readiness:
 * needs_snapshots -> ready_for_training (enough normal snapshots) -> training -> model_deployed.
 * Capability sync moves only between the first two; training and deployment move the rest.
 * Every change is published on the domain event bus.
 */
export class CameraService {
  constructor(
    private readonly inTransaction: Transactor,
    private readonly cameras: CameraRepository,
    private readonly edges: EdgeRepository,
    private readonly tokens: BootstrapTokenRepository,
    private readonly bus: DomainEventBus,
    private readonly settings: { minNormalSnapshots: number },
    private readonly now: () => number = Date.now,
  ) {}

  async syncCapabilities(
    identity: EdgeIdentity,
    input: { cameras: ReportedCamera[]; runtime: unknown; softwareVersion: string },
  ): Promise<CameraStatus[]> {
    if (input.cameras.length > MAX_CAMERAS_PER_EDGE)
      throw new AppError('validation_failed', `at most ${MAX_CAMERAS_PER_EDGE} cameras per edge`);
    const ids = input.cameras.map((c) => c.cameraId);
    if (new Set(ids).size !== ids.length)
      throw new AppError('validation_failed', 'camera ids must be unique within one sync');
    for (const c of input.cameras) {
      assertCameraId(c.cameraId);
      if (c.name.length > 100)
        throw new AppError('validation_failed', `camera ${c.cameraId}: name longer than 100 characters`);
      for (const [label, count] of Object.entries(c.labelledSnapshotCounts)) {
        assertLabel(label);
        if (!Number.isInteger(count) || count < 0)
          throw new AppError(
            'validation_failed',
            `camera ${c.cameraId}: snapshot count for ${label} must be a whole number`,
          );
      }
    }
    const now = this.now();
    const existing = new Map((await this.cameras.getMany(ids)).map((c) => [c.id, c]));
    const reserved = await this.reservedForOthers(
      identity,
      ids.filter((id) => !existing.has(id)),
      now,
    );
    const statuses: CameraStatus[] = [];
    const changes: { cameraId: string; from: CameraReadiness | null; to: CameraReadiness }[] = [];

    await this.inTransaction(async (trx) => {
      await this.edges.update(
        identity.edgeId,
        {
          capabilities: JSON.stringify(input.runtime ?? null),
          software_version: input.softwareVersion.slice(0, 64) || null,
          last_seen_at: now,
          updated_at: now,
        },
        trx,
      );
      for (const c of input.cameras) {
        const current = existing.get(c.cameraId);
        if (identity.allowedCameras && !identity.allowedCameras.includes(c.cameraId)) {
          statuses.push({
            cameraId: c.cameraId,
            allowed: false,
            readiness: null,
            normalSnapshotsMissing: 0,
            reason: "not in this edge's allowed cameras",
          });
          continue;
        }
        if (reserved.has(c.cameraId)) {
          statuses.push({
            cameraId: c.cameraId,
            allowed: false,
            readiness: null,
            normalSnapshotsMissing: 0,
            reason: 'the camera id is reserved for another edge (its allowed cameras name it)',
          });
          continue;
        }
        if (current && current.edge_id !== identity.edgeId) {
          statuses.push({
            cameraId: c.cameraId,
            allowed: false,
            readiness: null,
            normalSnapshotsMissing: 0,
            reason: 'the camera id belongs to another edge',
          });
          continue;
        }
        const normal = c.labelledSnapshotCounts.normal ?? 0;
        const from = current?.readiness ?? null;
        const to = this.nextReadiness(from, normal);
        const fields = {
          name: c.name || c.cameraId,
          kind: c.kind,
          width: c.width || null,
          height: c.height || null,
          fps: c.fps || null,
          snapshot_counts: JSON.stringify(c.labelledSnapshotCounts),
          capabilities: JSON.stringify({ online: c.online }),
          readiness: to,
          last_seen_at: c.online ? now : (current?.last_seen_at ?? null),
          updated_at: now,
        };
        if (current) await this.cameras.update(c.cameraId, fields, trx);
        else
          await this.cameras.insert(
            {
              id: c.cameraId,
              edge_id: identity.edgeId,
              ...fields,
              created_at: now,
              quota_bytes: null,
              retention_days: null,
            },
            trx,
          );
        if (from !== to) changes.push({ cameraId: c.cameraId, from, to });
        const blocked = current !== undefined && current.allowed !== 1;
        statuses.push({
          cameraId: c.cameraId,
          allowed: !blocked,
          readiness: to,
          normalSnapshotsMissing: Math.max(0, this.settings.minNormalSnapshots - normal),
          reason: blocked ? 'blocked by an administrator' : '',
        });
      }
      await this.cameras.markMissing(identity.edgeId, ids, now, trx);
    });
    for (const change of changes)
      this.bus.publish('camera.readiness_changed', { ...change, edgeId: identity.edgeId });
    return statuses;
  }

  /**
   * New camera ids an unrestricted edge may not claim: those another edge, or a bootstrap token
   * not yet used up, is restricted to. (A restricted edge claims only its own list.)
   */
  private async reservedForOthers(
    identity: EdgeIdentity,
    newIds: string[],
    now: number,
  ): Promise<Set<string>> {
    if (identity.allowedCameras || newIds.length === 0) return new Set();
    const [edges, tokens] = await Promise.all([
      this.edges.camerasAllowedToOthers(identity.edgeId, newIds),
      this.tokens.camerasReserved(newIds, now),
    ]);
    return new Set([...edges, ...tokens]);
  }

  /** Moves another capability's state (training, deployment); publishes the change. */
  async setReadiness(cameraId: string, to: CameraReadiness): Promise<void> {
    const camera = await this.require(cameraId);
    if (camera.readiness === to) return;
    await this.cameras.update(cameraId, { readiness: to, updated_at: this.now() });
    this.bus.publish('camera.readiness_changed', {
      cameraId,
      edgeId: camera.edge_id,
      from: camera.readiness,
      to,
    });
  }

  async list(filter: { edgeId?: string; readiness?: CameraReadiness }): Promise<CameraView[]> {
    return (await this.cameras.list(filter)).map((c) => this.toView(c));
  }

  async get(cameraId: string): Promise<CameraView> {
    return this.toView(await this.require(cameraId));
  }

  async datasetStatus(cameraId: string) {
    const camera = await this.require(cameraId);
    const reported = parseCounts(camera.snapshot_counts);
    const normal = reported.normal ?? 0;
    return {
      cameraId,
      readiness: camera.readiness,
      minNormalSnapshots: this.settings.minNormalSnapshots,
      normalSnapshotsMissing: Math.max(0, this.settings.minNormalSnapshots - normal),
      reportedByEdge: reported,
    };
  }

  private nextReadiness(from: CameraReadiness | null, normal: number): CameraReadiness {
    const enough = normal >= this.settings.minNormalSnapshots;
    if (from === 'training' || from === 'model_deployed') return from;
    return enough ? 'ready_for_training' : 'needs_snapshots';
  }

  private async require(cameraId: string): Promise<CameraRow> {
    const camera = await this.cameras.get(cameraId);
    if (!camera) throw new AppError('not_found', `camera ${cameraId} does not exist`);
    return camera;
  }

  private toView(c: CameraRow): CameraView {
    const caps = c.capabilities ? (JSON.parse(c.capabilities) as { online?: boolean }) : null;
    return {
      id: c.id,
      edgeId: c.edge_id,
      name: c.name,
      kind: c.kind,
      width: c.width,
      height: c.height,
      fps: c.fps,
      online: caps?.online === true,
      readiness: c.readiness,
      allowed: c.allowed === 1,
      labelledSnapshotCounts: parseCounts(c.snapshot_counts),
      lastSeenAt: c.last_seen_at === null ? null : new Date(c.last_seen_at).toISOString(),
    };
  }
}

function parseCounts(json: string | null): Record<string, number> {
  return json ? (JSON.parse(json) as Record<string, number>) : {};
}
