/**
 * What the service says about itself: the capability gauges on /metrics and the self-checks
 * (disk, spool, jobs, workers, WireGuard, detector) that readiness and their gauges report.
 */
import type { AnalysisModule } from '../analysis/analysis-module.js';
import type { Config } from '../config/schema.js';
import { resolveDataPath } from '../config/load.js';
import type { EventsModule } from '../events/events-module.js';
import type { HealthService } from '../health/health-service.js';
import type { ReadinessService } from '../health/readiness.js';
import {
  CRASH_WINDOW_MS,
  registerSelfHealthMetrics,
  selfChecks,
  type SelfCheckDeps,
} from '../health/self-checks.js';
import type { JobRepository } from '../jobs/job-repository.js';
import { registerCapabilityMetrics } from '../metrics/capability-metrics.js';
import type { ServiceMetrics } from '../metrics/metrics.js';
import type { ModelsModule } from '../models/models-module.js';
import type { DetectionService } from '../vision/detection-service.js';

export function registerObservability(
  config: Config,
  metrics: ServiceMetrics,
  readiness: ReadinessService,
  parts: {
    events: EventsModule;
    analysis: AnalysisModule;
    models: ModelsModule;
    vision: DetectionService;
    health: HealthService;
    jobs: JobRepository;
    wireguard: SelfCheckDeps['wireguard'];
  },
): void {
  const { events, analysis, models, vision } = parts;
  registerCapabilityMetrics(metrics, {
    analysis: analysis.repository,
    waitingFrames: analysis.frames,
    models: models.repository,
    assignments: models.assignments,
    detector: vision,
    health: parts.health,
    quotas: events.quotas,
    archive: events.repository,
  });
  const selfCheckDeps: SelfCheckDeps = {
    dataDir: config.dataDir,
    spoolDir: resolveDataPath(config, config.archive.spoolDir),
    health: config.health,
    jobs: parts.jobs,
    spooledObjects: async () =>
      (await events.repository.countObjectsByStatus())
        .filter((r) => r.status !== 'completed')
        .reduce((n, r) => n + Number(r.count), 0),
    waitingFrames: analysis.frames,
    workerCrashes: () => ({
      ingest: events.ingestWorkerCrashes(CRASH_WINDOW_MS),
      detector: vision.health().recentCrashes,
    }),
    wireguard: parts.wireguard,
    detector: () => vision.health(),
  };
  readiness.add(selfChecks(selfCheckDeps));
  registerSelfHealthMetrics(metrics, selfCheckDeps);
}
