/**
 * What edges report about their models, per camera: downloading, verified, activated (with health:
 * local trigger rate and inference latency) or failed. A failure, or health past the configured
 * limits after activation (e.g. a trigger rate several times the previous model's), rolls that
 * camera back to its last good version at once, and a staged rollout is re-checked against its
 * abort threshold.
 */
import { AppError } from '../errors/app-error.js';
import type { CameraAccess } from '../edges/camera-access.js';
import type { CameraService } from '../edges/camera-service.js';
import type { EdgeIdentity } from '../edges/edge-identity.js';
import type { AuditLog } from './audit-repository.js';
import type { AssignmentService } from './assignment-service.js';
import type { DeploymentService } from './deployment-service.js';
import type { ModelRepository } from './model-repository.js';

export interface HealthLimits {
  /** Roll back when the trigger rate exceeds this many times the previous model's. */
  triggerRateRatio: number;
  /** Rates below this (per hour) never count as a spike. */
  minTriggerRatePerHour: number;
  maxInferenceLatencyMs: number;
}

export interface StatusReport {
  cameraId: string;
  modelId: string;
  deploymentId: string;
  state: 'downloading' | 'verified' | 'activated' | 'failed';
  reason: string;
  triggerRatePerHour: number;
  inferenceLatencyMs: number;
}

interface Health {
  triggerRatePerHour: number;
  inferenceLatencyMs: number;
  at: string;
}

export class ModelStatusService {
  constructor(
    private readonly repo: ModelRepository,
    private readonly assignments: AssignmentService,
    private readonly deployments: DeploymentService,
    private readonly access: CameraAccess,
    private readonly cameras: CameraService,
    private readonly audit: AuditLog,
    private readonly limits: HealthLimits,
    private readonly now: () => number = Date.now,
  ) {}

  async report(
    identity: EdgeIdentity,
    r: StatusReport,
  ): Promise<{ rolledBack: boolean; reason: string | null }> {
    await this.access.assertAllowed(identity, r.cameraId);
    const row = (await this.repo.assignmentsOfDeployment(r.deploymentId)).find(
      (a) => a.camera_id === r.cameraId,
    );
    if (!row || row.model_id !== r.modelId) {
      throw new AppError(
        'not_found',
        `camera ${r.cameraId} has no assignment of model ${r.modelId} in deployment ${r.deploymentId}`,
      );
    }
    const actor = `edge:${identity.name}`;
    if (row.status === 'rolled_back') return { rolledBack: true, reason: row.reason };
    const now = this.now();
    if (r.state === 'failed') {
      const reason = `the edge reported a failure: ${r.reason || 'no reason given'}`;
      await this.repo.setAssignment(r.cameraId, r.deploymentId, { status: 'failed', reason }, now);
      await this.audit.record({
        actor,
        action: 'camera.model_failed',
        subjectType: 'camera',
        subjectId: r.cameraId,
        reason,
        details: { modelId: r.modelId, deploymentId: r.deploymentId },
      });
      await this.deployments.rollbackCamera(r.cameraId, r.deploymentId, reason, 'system');
      await this.deployments.advance();
      return { rolledBack: true, reason };
    }
    const health: Health | null =
      r.state === 'activated'
        ? {
            triggerRatePerHour: r.triggerRatePerHour,
            inferenceLatencyMs: r.inferenceLatencyMs,
            at: new Date(now).toISOString(),
          }
        : null;
    await this.repo.setAssignment(
      r.cameraId,
      r.deploymentId,
      { status: r.state, reason: null, ...(health ? { health: JSON.stringify(health) } : {}) },
      now,
    );
    if (row.status !== r.state) {
      await this.audit.record({
        actor,
        action: `camera.model_${r.state}`,
        subjectType: 'camera',
        subjectId: r.cameraId,
        details: { modelId: r.modelId, deploymentId: r.deploymentId, ...(health ?? {}) },
      });
    }
    if (r.state !== 'activated') return { rolledBack: false, reason: null };
    const model = await this.repo.model(r.modelId);
    if (model?.status === 'ready') {
      await this.repo.setModelStatus(r.modelId, 'active');
      await this.audit.record({
        actor: 'system',
        action: 'model.activated',
        subjectType: 'model',
        subjectId: r.modelId,
        details: { cameraId: r.cameraId },
      });
    }
    if (model?.kind === 'cae')
      await this.cameras.setReadiness(r.cameraId, 'model_deployed').catch(() => undefined);
    const problem = await this.healthProblem(r.cameraId, r.modelId, health!);
    if (problem) {
      await this.repo.setAssignment(r.cameraId, r.deploymentId, { status: 'failed', reason: problem }, now);
      await this.deployments.rollbackCamera(r.cameraId, r.deploymentId, problem, 'system');
      await this.deployments.advance();
      return { rolledBack: true, reason: problem };
    }
    await this.deployments.advance();
    return { rolledBack: false, reason: null };
  }

  private async healthProblem(cameraId: string, modelId: string, h: Health): Promise<string | null> {
    if (h.inferenceLatencyMs > this.limits.maxInferenceLatencyMs) {
      return `inference takes ${Math.round(h.inferenceLatencyMs)} ms on the edge; the limit is ${this.limits.maxInferenceLatencyMs} ms`;
    }
    const good = await this.assignments.lastGood(cameraId, modelId);
    if (!good || h.triggerRatePerHour < this.limits.minTriggerRatePerHour) return null;
    const prevRow = (await this.repo.history(cameraId)).find((x) => x.deployment_id === good.deploymentId);
    const prev = prevRow?.health ? (JSON.parse(prevRow.health) as Health).triggerRatePerHour : null;
    if (prev === null) return null;
    const base = Math.max(prev, this.limits.minTriggerRatePerHour);
    if (h.triggerRatePerHour > this.limits.triggerRateRatio * base) {
      return `trigger rate ${h.triggerRatePerHour.toFixed(1)}/h is ${(h.triggerRatePerHour / base).toFixed(1)}x the previous model's ${prev.toFixed(1)}/h (limit ${this.limits.triggerRateRatio}x)`;
    }
    return null;
  }
}
