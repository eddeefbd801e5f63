/**
 * Deployments: immutable records that put a model version on cameras (an explicit list, an edge,
 * or every camera whose id or name matches a pattern), all at once or staged (a canary share
 * first, the rest after a soak period if the canaries are healthy), with priority and pinning.
 * Rollback is a new deployment of the last good version. Every state change is audited.
 */
import { AppError } from '../errors/app-error.js';
import { newId } from '../db/ids.js';
import type { AuditLog } from './audit-repository.js';
import type { AssignmentService } from './assignment-service.js';
import { DeploymentPlanner, type DeploymentInput, type DeploymentPlan } from './deployment-planner.js';
import type { DeploymentRow, ModelRepository } from './model-repository.js';

export type { DeploymentInput, DeploymentPlan, DeploymentTarget } from './deployment-planner.js';

export class DeploymentService {
  constructor(
    private readonly repo: ModelRepository,
    private readonly assignments: AssignmentService,
    private readonly audit: AuditLog,
    private readonly now: () => number = Date.now,
    private readonly planner = new DeploymentPlanner(repo, assignments),
  ) {}

  async create(
    input: DeploymentInput,
    actor: string,
  ): Promise<{ deployment: DeploymentRow; plan: DeploymentPlan }> {
    const model = await this.repo.model(input.modelId);
    if (!model) throw new AppError('not_found', `model ${input.modelId} does not exist`);
    if (model.status !== 'ready' && model.status !== 'active')
      throw new AppError(
        'conflict',
        `model ${model.id} is ${model.status}; only ready or active models are deployed`,
      );
    if (
      input.strategy === 'staged' &&
      !(input.canaryShare && input.canaryShare > 0 && input.canaryShare < 1)
    ) {
      throw new AppError('validation_failed', 'a staged deployment needs canaryShare between 0 and 1');
    }
    const plan = await this.planner.plan(input, model);
    const now = this.now();
    const id = newId();
    const status =
      plan.accepted.length === 0
        ? 'refused'
        : input.strategy === 'staged' && plan.pending.length > 0
          ? 'canary'
          : 'active';
    await this.repo.transaction(async (trx) => {
      await this.repo.insertDeployment(
        {
          id,
          model_id: model.id,
          target: JSON.stringify(plan),
          strategy: input.strategy,
          canary_share: input.canaryShare ?? null,
          soak_seconds: input.soakSeconds ?? null,
          abort_failure_share: input.abortFailureShare ?? null,
          priority: input.priority ?? 0,
          status,
          rollback_of: null,
          reason: plan.accepted.length === 0 ? 'no camera could take the model' : null,
          created_by: actor,
          created_at: now,
          updated_at: now,
        },
        trx,
      );
      for (const cameraId of plan.canary) {
        await this.repo.upsertAssignment(
          {
            camera_id: cameraId,
            deployment_id: id,
            model_id: model.id,
            status: 'assigned',
            reason: null,
            health: null,
            pinned: input.pin ? 1 : 0,
            updated_at: now,
          },
          trx,
        );
      }
      await this.audit.record(
        {
          actor,
          action: 'deployment.created',
          subjectType: 'deployment',
          subjectId: id,
          details: {
            modelId: model.id,
            version: model.version,
            status,
            accepted: plan.accepted,
            refused: plan.refused,
            skipped: plan.skipped,
            canary: plan.canary,
          },
        },
        trx,
      );
    });
    for (const c of plan.canary) await this.assignments.notifyCamera(c);
    return { deployment: (await this.repo.deployment(id))!, plan };
  }

  /** Staged rollouts: abort past the failure threshold; after the soak, roll out to the rest. */
  async advance(): Promise<void> {
    for (const d of await this.repo.deployments({ status: 'canary', limit: 500 })) {
      const plan = JSON.parse(d.target) as DeploymentPlan;
      const rows = await this.repo.assignmentsOfDeployment(d.id);
      const canary = rows.filter((r) => plan.canary.includes(r.camera_id));
      const failed = canary.filter((r) => r.status === 'failed' || r.status === 'rolled_back').length;
      if (canary.length > 0 && failed / canary.length >= (d.abort_failure_share ?? 0.5)) {
        await this.abort(
          d,
          `${failed} of ${canary.length} canary cameras failed (abort threshold ${Math.round(100 * (d.abort_failure_share ?? 0.5))} %)`,
        );
        continue;
      }
      const soaked = this.now() >= d.created_at + (d.soak_seconds ?? 0) * 1000;
      const healthy = canary.every((r) => r.status === 'activated');
      if (!soaked || !healthy) continue;
      const now = this.now();
      // Looked up before the transaction: the one SQLite connection is the transaction's inside it.
      const pinned = new Set<string>();
      for (const cameraId of plan.pending) {
        const current = await this.assignments.effective(cameraId);
        if (current?.pinned && current.modelId !== d.model_id) pinned.add(cameraId);
      }
      await this.repo.transaction(async (trx) => {
        for (const cameraId of plan.pending) {
          if (pinned.has(cameraId)) continue;
          await this.repo.upsertAssignment(
            {
              camera_id: cameraId,
              deployment_id: d.id,
              model_id: d.model_id,
              status: 'assigned',
              reason: null,
              health: null,
              pinned: 0,
              updated_at: now,
            },
            trx,
          );
        }
        await this.repo.updateDeployment(d.id, 'active', 'canary healthy after the soak period', now, trx);
        await this.audit.record(
          {
            actor: 'system',
            action: 'deployment.promoted',
            subjectType: 'deployment',
            subjectId: d.id,
            reason: 'canary healthy after the soak period',
            details: { cameras: plan.pending },
          },
          trx,
        );
      });
      for (const c of plan.pending) await this.assignments.notifyCamera(c);
    }
  }

  private async abort(d: DeploymentRow, reason: string): Promise<void> {
    await this.repo.updateDeployment(d.id, 'aborted', reason, this.now());
    await this.audit.record({
      actor: 'system',
      action: 'deployment.aborted',
      subjectType: 'deployment',
      subjectId: d.id,
      reason,
    });
    for (const r of await this.repo.assignmentsOfDeployment(d.id)) {
      if (r.status !== 'rolled_back')
        await this.rollbackCamera(r.camera_id, d.id, `deployment aborted: ${reason}`, 'system');
    }
  }

  /**
   * Takes a camera off a deployment: its row is marked rolled_back and, when the camera ran a
   * good version before, a new deployment puts that version back.
   */
  async rollbackCamera(
    cameraId: string,
    deploymentId: string,
    reason: string,
    actor: string,
  ): Promise<string | null> {
    const from = await this.repo.deployment(deploymentId);
    if (!from) throw new AppError('not_found', `deployment ${deploymentId} does not exist`);
    const now = this.now();
    if (!(await this.repo.claimRollback(cameraId, deploymentId, reason, now))) return null;
    const good = await this.assignments.lastGood(cameraId, from.model_id);
    let rollbackId: string | null = null;
    if (good) {
      rollbackId = newId();
      const plan: DeploymentPlan = {
        request: { modelId: good.modelId, target: { cameras: [cameraId] }, strategy: 'all_at_once' },
        accepted: [cameraId],
        refused: [],
        skipped: [],
        canary: [cameraId],
        pending: [],
      };
      await this.repo.transaction(async (trx) => {
        await this.repo.insertDeployment(
          {
            id: rollbackId!,
            model_id: good.modelId,
            target: JSON.stringify(plan),
            strategy: 'all_at_once',
            canary_share: null,
            soak_seconds: null,
            abort_failure_share: null,
            priority: from.priority,
            status: 'active',
            rollback_of: deploymentId,
            reason,
            created_by: actor,
            created_at: now,
            updated_at: now,
          },
          trx,
        );
        await this.repo.upsertAssignment(
          {
            camera_id: cameraId,
            deployment_id: rollbackId!,
            model_id: good.modelId,
            status: 'assigned',
            reason,
            health: null,
            pinned: 0,
            updated_at: now,
          },
          trx,
        );
      });
    }
    await this.audit.record({
      actor,
      action: 'camera.rolled_back',
      subjectType: 'camera',
      subjectId: cameraId,
      reason,
      details: {
        fromDeployment: deploymentId,
        fromModel: from.model_id,
        toModel: good?.modelId ?? null,
        rollbackDeployment: rollbackId,
      },
    });
    await this.assignments.notifyCamera(cameraId);
    return rollbackId;
  }

  /** Manual rollback of a whole deployment: every camera it still drives goes back. */
  async rollbackDeployment(
    id: string,
    actor: string,
    reason = 'manual rollback',
  ): Promise<{ cameras: string[] }> {
    const d = await this.repo.deployment(id);
    if (!d) throw new AppError('not_found', `deployment ${id} does not exist`);
    // Claimed first: of two rollbacks at the same moment, one does the work and the other is told.
    if (!(await this.repo.claimDeploymentRollback(id, reason, this.now())))
      throw new AppError('conflict', `deployment ${id} is already rolled back`);
    const cameras: string[] = [];
    for (const r of await this.repo.assignmentsOfDeployment(id)) {
      if (r.status === 'rolled_back') continue;
      await this.rollbackCamera(r.camera_id, id, reason, actor);
      cameras.push(r.camera_id);
    }
    await this.audit.record({
      actor,
      action: 'deployment.rolled_back',
      subjectType: 'deployment',
      subjectId: id,
      reason,
      details: { cameras },
    });
    return { cameras };
  }

  async get(id: string): Promise<DeploymentRow> {
    const d = await this.repo.deployment(id);
    if (!d) throw new AppError('not_found', `deployment ${id} does not exist`);
    return d;
  }

  list(filter: { status?: string; limit: number }): Promise<DeploymentRow[]> {
    return this.repo.deployments(filter);
  }

  camerasOf(id: string) {
    return this.repo.assignmentsOfDeployment(id);
  }

  async setPinned(cameraId: string, pinned: boolean, actor: string): Promise<void> {
    const current = await this.assignments.effective(cameraId);
    if (!current) throw new AppError('conflict', `camera ${cameraId} has no model to pin`);
    await this.repo.setAssignment(cameraId, current.deploymentId, { pinned: pinned ? 1 : 0 }, this.now());
    await this.audit.record({
      actor,
      action: pinned ? 'camera.pinned' : 'camera.unpinned',
      subjectType: 'camera',
      subjectId: cameraId,
      details: { modelId: current.modelId, version: current.model.version },
    });
  }
}
