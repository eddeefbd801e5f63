/**
 * Puts a retrained model on its camera: when a camera that already runs a model retrains (its
 * normal snapshots grew, training-automation.ts), the new version is deployed to that camera
 * like any deployment, so the edge's report decides: a model that fails to load, or whose
 * trigger rate or latency is far from the camera's usual, is rolled back to the last good version
 * by model-status-service.ts. A camera pinned to a version is passed by (the planner skips it).
 * The first model of a camera is not deployed on its own: the owner or operator chooses when.
 */
import type { DomainEventBus } from '../app/domain-events.js';
import type { Logger } from '../logging/logger.js';
import type { AssignmentService } from './assignment-service.js';
import type { DeploymentService } from './deployment-service.js';

export const RETRAINING_ACTOR = 'system:retraining';

export class RetrainingRollout {
  constructor(
    private readonly assignments: AssignmentService,
    private readonly deployments: DeploymentService,
    private readonly log: Logger,
  ) {}

  attach(bus: DomainEventBus): void {
    bus.subscribe('model.trained', ({ modelId, cameraId, retraining }) => {
      if (retraining) void this.rollOut(modelId, cameraId);
    });
  }

  /** Deploys `modelId` to `cameraId` when the camera runs another model; returns the deployment id. */
  async rollOut(modelId: string, cameraId: string): Promise<string | null> {
    try {
      const current = await this.assignments.effective(cameraId);
      if (!current || current.modelId === modelId) return null;
      const { deployment, plan } = await this.deployments.create(
        { modelId, target: { cameras: [cameraId] }, strategy: 'all_at_once' },
        RETRAINING_ACTOR,
      );
      this.log.info(
        { cameraId, modelId, deploymentId: deployment.id, skipped: plan.skipped, refused: plan.refused },
        plan.accepted.length > 0 ? 'retrained model deployed' : 'retrained model not deployed',
      );
      return deployment.id;
    } catch (err) {
      this.log.warn({ err, cameraId, modelId }, 'retrained model could not be deployed');
      return null;
    }
  }
}
