/**
 * The model catalog and distribution, composed: catalog, deployments (staged rollouts advance on
 * a schedule), assignments, the edges' status reports and the model health check. The
 * edge-facing gRPC service is in edge-api/routes.ts.
 */
import type { Config } from '../config/schema.js';
import type { Db } from '../db/database.js';
import type { EdgesModule } from '../edges/edges-module.js';
import type { JobRegistry } from '../jobs/job-registry.js';
import type { JobScheduler } from '../jobs/job-scheduler.js';
import type { BlobStore } from '../storage/blob-store.js';
import { AuditLog } from './audit-repository.js';
import { AssignmentService } from './assignment-service.js';
import { ModelBytesCache } from './model-bytes-cache.js';
import { CatalogService } from './catalog-service.js';
import { DeploymentService } from './deployment-service.js';
import { ModelRepository } from './model-repository.js';
import { ModelStatusService } from './model-status-service.js';
import { modelHealthCheck } from './model-health.js';
import type { HealthService } from '../health/health-service.js';
import type { JobType } from '../jobs/job-types.js';

export const ADVANCE_JOB = 'deployments.advance' satisfies JobType;
export type ModelsModule = ReturnType<typeof createModelsModule>;

export function createModelsModule(
  config: Config,
  db: Db,
  blobs: BlobStore,
  registry: JobRegistry,
  edges: EdgesModule,
  scheduler: JobScheduler,
  health: HealthService,
) {
  const repo = new ModelRepository(db);
  const audit = new AuditLog(db);
  const assignments = new AssignmentService(repo);
  const deployments = new DeploymentService(repo, assignments, audit);
  registry.register({ type: ADVANCE_JOB, maxAttempts: 1, handler: async () => deployments.advance() });
  const catalog = new CatalogService(
    repo,
    blobs,
    audit,
    new ModelBytesCache(config.models.downloadCacheBytes),
  );
  const status = new ModelStatusService(
    repo,
    assignments,
    deployments,
    edges.cameraAccess,
    edges.cameras,
    audit,
    {
      triggerRateRatio: config.models.rollbackTriggerRateRatio,
      minTriggerRatePerHour: config.models.minTriggerRatePerHour,
      maxInferenceLatencyMs: config.models.maxInferenceLatencyMs,
    },
  );
  scheduler.every(ADVANCE_JOB, config.models.advanceIntervalSeconds * 1000);
  health.addCameraCheck(
    modelHealthCheck(repo, assignments, {
      triggerRateFactor: 5,
      minTriggerRatePerHour: config.models.minTriggerRatePerHour,
    }),
  );
  return { catalog, deployments, assignments, status, audit, repository: repo };
}
