import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/schema.js';
import { resolveDataPath } from '../config/load.js';
import { backupBeforeUpgrade } from '../backup/backup-before-upgrade.js';
import { ApiTokenRepository } from '../auth/api-token-repository.js';
import { ApiTokenService } from '../auth/api-token-service.js';
import { openDatabase, type DatabaseHandle } from '../db/database.js';
import { WalCheckpointer } from '../db/wal-checkpointer.js';
import { migrate } from '../db/migrator.js';
import { buildHttpApp } from '../http/app.js';
import { JobQueue } from '../jobs/job-queue.js';
import { JobRegistry } from '../jobs/job-registry.js';
import { JobRepository } from '../jobs/job-repository.js';
import { JobRunner } from '../jobs/job-runner.js';
import { DECLARED_JOB_TYPES } from '../jobs/job-types.js';
import type { Logger } from '../logging/logger.js';
import type { BlobStore } from '../storage/blob-store.js';
import { createBlobStore } from '../storage/create-blob-store.js';
import { ServiceMetrics } from '../metrics/metrics.js';
import { ReadinessService } from '../health/readiness.js';
import { createEdgesModule, type EdgesModule } from '../edges/edges-module.js';
import { DomainEventBus } from './domain-events.js';
import { closeInOrder } from './shutdown.js';
import { registerObservability } from './observability.js';
import { printInitialToken } from './initial-token.js';
import { registerEdgeRoutes } from '../edge-api/routes.js';
import { createEventsModule, type EventsModule } from '../events/events-module.js';
import type { EventIngestService } from '../events/event-ingest-service.js';
import { VERSION } from './version.js';
import { JobScheduler } from '../jobs/job-scheduler.js';
import { HealthRepository } from '../health/health-repository.js';
import { HealthService } from '../health/health-service.js';
import { LatestTelemetry } from '../telemetry/latest-telemetry.js';
import { registerEdgeMetrics } from '../metrics/edge-metrics.js';
import { TelemetryRepository } from '../telemetry/telemetry-repository.js';
import { RollupRepository } from '../telemetry/rollup-repository.js';
import { TelemetryService } from '../telemetry/telemetry-service.js';
import { telemetryRollupJob, TELEMETRY_ROLLUP_JOB } from '../telemetry/rollup-job.js';
import { HEALTH_JOB, healthJob } from '../health/health-job.js';
import { createMlModule, type MlModule } from '../training/ml-module.js';
import { DetectionService } from '../vision/detection-service.js';
import { detectorSpec } from '../vision/detector-factory.js';
import { createBaselineModule } from '../baseline/baseline-module.js';
import { createAnalysisModule, type AnalysisModule } from '../analysis/analysis-module.js';
import { createModelsModule, type ModelsModule } from '../models/models-module.js';
import { RetrainingRollout } from '../models/retraining-rollout.js';
import type { BaselineService } from '../baseline/baseline-service.js';

export interface Service {
  config: Config;
  log: Logger;
  database: DatabaseHandle;
  /** Checkpoints the WAL in a worker thread while the service runs (started by startService). */
  checkpointer: WalCheckpointer;
  blobStore: BlobStore;
  metrics: ServiceMetrics;
  readiness: ReadinessService;
  tokens: ApiTokenService;
  jobs: {
    registry: JobRegistry;
    queue: JobQueue;
    runner: JobRunner;
    repository: JobRepository;
    scheduler: JobScheduler;
  };
  telemetry: TelemetryService;
  health: HealthService;
  bus: DomainEventBus;
  edges: EdgesModule;
  events: EventsModule & { ingestService: EventIngestService };
  ml: MlModule;
  vision: DetectionService;
  baseline: BaselineService;
  analysis: AnalysisModule;
  models: ModelsModule;
  http: FastifyInstance;
  /** Stops everything in the one order (app/shutdown.ts); running jobs get `deadlineMs`. Idempotent. */
  close(deadlineMs: number): Promise<void>;
}

export interface ComposeOptions {
  /** Where the first admin token goes; stdout by default. */
  onInitialAdminToken?: (token: string) => void;
  /** Extra job handlers (tests, later capabilities). */
  registerJobs?: (registry: JobRegistry) => void;
}

/**
 * The composition root: builds every part with plain constructor injection, in dependency order.
 * Opening the database also migrates it, so the service never runs on an old schema.
 */
export async function composeService(
  config: Config,
  log: Logger,
  options: ComposeOptions = {},
): Promise<Service> {
  fs.mkdirSync(config.dataDir, { recursive: true });
  const database = openDatabase({
    path: resolveDataPath(config, config.database.path),
    busyTimeoutMs: config.database.busyTimeoutMs,
    strictTransactions: config.database.strictTransactions,
  });
  try {
    await backupBeforeUpgrade(config, database.sqlite, log);
    const migrations = migrate(database.sqlite);
    if (migrations.applied.length > 0) log.info({ applied: migrations.applied }, 'database migrated');

    const checkpointer = new WalCheckpointer(
      database.sqlite,
      {
        path: resolveDataPath(config, config.database.path),
        intervalMs: config.database.checkpointIntervalMs,
        busyTimeoutMs: config.database.busyTimeoutMs,
      },
      log.child({ component: 'database' }),
    );
    const metrics = new ServiceMetrics(VERSION);
    const blobStore = createBlobStore(config);
    const readiness = new ReadinessService(
      [
        { name: 'database', check: async () => void database.sqlite.prepare('SELECT 1').get() },
        { name: 'blob_store', check: () => blobStore.ping() },
      ],
      metrics,
    );
    const tokens = new ApiTokenService(new ApiTokenRepository(database.db));

    const registry = new JobRegistry();
    options.registerJobs?.(registry);
    const events = createEventsModule(config, database.db, blobStore, registry, log);
    const telemetryRepo = new TelemetryRepository(database.db, config.telemetry.rollupStepSeconds);
    const rollupRepo = new RollupRepository(database.db);
    registry.register(telemetryRollupJob({ samples: telemetryRepo, rollups: rollupRepo }, config.telemetry));
    const bus = new DomainEventBus();
    const repository = new JobRepository(database.db);
    const queue = new JobQueue(repository, registry, { maxAttempts: config.jobs.maxAttempts });
    const runner = new JobRunner(
      repository,
      registry,
      {
        concurrency: config.jobs.concurrency,
        pollIntervalMs: config.jobs.pollIntervalMs,
        leaseMs: config.jobs.leaseMs,
        backoff: { baseMs: config.jobs.backoffBaseMs, maxMs: config.jobs.backoffMaxMs },
        retentionDays: config.jobs.retentionDays,
        maxInterruptions: config.jobs.maxInterruptions,
      },
      log.child({ component: 'jobs' }),
      (outcome) => {
        metrics.jobRuns.labels(outcome.type, outcome.status).inc();
        metrics.jobDuration.labels(outcome.type).observe(outcome.seconds);
      },
    );
    metrics.gauge('uservm_jobs', 'Jobs in the queue by type and status.', ['type', 'status'], async (g) => {
      for (const row of await repository.countByTypeAndStatus())
        g.labels(row.type, row.status).set(Number(row.count));
    });

    // Prepared once: asked on every edge call by the identity cache.
    const dataVersion = database.sqlite.prepare('PRAGMA data_version').pluck();
    const edges = await createEdgesModule(config, database.db, bus, metrics, log, () =>
      Number(dataVersion.get()),
    );
    const latestTelemetry = new LatestTelemetry();
    registerEdgeMetrics(metrics, latestTelemetry);
    bus.subscribe('edge.revoked', ({ edgeId }) => latestTelemetry.forget(edgeId));
    const telemetry = new TelemetryService(
      { samples: telemetryRepo, rollups: rollupRepo },
      edges.cameraAccess,
      config.telemetry,
      latestTelemetry,
    );
    const ml = createMlModule(config, database.db, blobStore, registry, queue, edges, bus, log);
    const vision = new DetectionService(
      detectorSpec(config.vision),
      { workers: config.vision.workers, maxQueue: config.vision.maxQueue },
      log.child({ component: 'detector' }),
    );
    const baseline = createBaselineModule(
      config,
      database.db,
      blobStore,
      registry,
      queue,
      vision,
      bus,
      log.child({ component: 'baseline' }),
    );
    const scheduler = new JobScheduler(queue, log.child({ component: 'scheduler' }));
    events.schedule(scheduler);
    scheduler.every(TELEMETRY_ROLLUP_JOB, config.telemetry.rollupStepSeconds * 1000);
    const health = new HealthService(
      edges.registry,
      edges.cameras,
      telemetryRepo,
      events.quotas,
      events.repository,
      new HealthRepository(database.db),
      readiness,
      log.child({ component: 'health' }),
    );
    registry.register(healthJob(health));
    scheduler.every(HEALTH_JOB, 60_000);
    const ingestService = events.ingest(queue, edges.cameraAccess);
    await events.resumeArchiving(queue);
    const clipService = events.clips(queue, edges.cameraAccess);
    const analysis = await createAnalysisModule(
      config,
      database.db,
      blobStore,
      registry,
      events.repository,
      metrics,
      queue,
      vision,
      baseline,
      ingestService,
      ml.datasets,
      events.query,
      log.child({ component: 'analysis' }),
    );
    const models = createModelsModule(config, database.db, blobStore, registry, edges, scheduler, health);
    // Every module has registered its jobs: a declared or still-queued type without one would
    // sit in the queue forever.
    registry.assertHandled(DECLARED_JOB_TYPES, 'declared by the service');
    registry.assertHandled(await repository.liveTypes(), 'queued in the database');
    if (config.training.autoTrain)
      new RetrainingRollout(
        models.assignments,
        models.deployments,
        log.child({ component: 'retraining-rollout' }),
      ).attach(bus);
    edges.serveRoutes((router) =>
      registerEdgeRoutes(router, {
        enrollment: edges.enrollment,
        registry: edges.registry,
        cameras: edges.cameras,
        identity: edges.identity,
        cameraAccess: edges.cameraAccess,
        telemetry,
        datasets: ml.datasets,
        imports: ml.imports,
        ingest: ingestService,
        clips: clipService,
        models,
        maxConcurrentDownloads: config.models.maxConcurrentDownloads,
      }),
    );
    registerObservability(config, metrics, readiness, {
      events,
      analysis,
      models,
      vision,
      health,
      jobs: repository,
      wireguard: edges.peerSync,
    });

    const initialToken = await tokens.createInitialAdminIfNone();
    if (initialToken) (options.onInitialAdminToken ?? printInitialToken)(initialToken);

    const http = await buildHttpApp(config.server, log, {
      version: VERSION,
      tokens,
      jobs: queue,
      readiness,
      metrics,
      edges,
      events,
      telemetry,
      health,
      ml,
      vision,
      baseline,
      analysis,
      models,
      ...(config.archive.maxTotalBytes ? { maxTotalBytes: config.archive.maxTotalBytes } : {}),
    });
    let closing: Promise<void> | undefined;
    const service: Service = {
      config,
      log,
      database,
      checkpointer,
      blobStore,
      metrics,
      readiness,
      tokens,
      jobs: { registry, queue, runner, repository, scheduler },
      telemetry,
      health,
      bus,
      edges,
      events: { ...events, ingestService },
      ml,
      vision,
      baseline,
      analysis,
      models,
      http,
      close: (deadlineMs) => (closing ??= closeInOrder(service, deadlineMs)),
    };
    return service;
  } catch (err) {
    await database.close();
    throw err;
  }
}
