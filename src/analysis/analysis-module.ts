/**
 * The analysis capability: its services and jobs. Accepted events' frames wait on disk, encrypted
 * with the service's own key, until their analysis is stored; analyses a stop interrupted are
 * queued again here.
 */
import path from 'node:path';
import type { BaselineService } from '../baseline/baseline-service.js';
import type { DatasetService } from '../datasets/dataset-service.js';
import type { Config } from '../config/schema.js';
import type { Db } from '../db/database.js';
import type { EventIngestService } from '../events/event-ingest-service.js';
import type { EventRepository } from '../events/event-repository.js';
import type { EventQueryService } from '../events/event-query-service.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { JobRegistry } from '../jobs/job-registry.js';
import type { Logger } from '../logging/logger.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { DetectionService } from '../vision/detection-service.js';
import { cameraDetection } from '../vision/detector-factory.js';
import type { ServiceMetrics } from '../metrics/metrics.js';
import { analysisJob } from './analysis-job.js';
import { PendingAnalysisIntake } from './analysis-intake.js';
import { AnalysisRepository } from './analysis-repository.js';
import { AnalysisService } from './analysis-service.js';
import { IncidentRepository } from './incident-repository.js';
import { IncidentService } from './incident-service.js';
import { CaeScorer } from './cae-scorer.js';
import { ModelRepository } from '../models/model-repository.js';
import { FeedbackService } from './feedback-service.js';
import { learnNormalJob } from './learn-normal-job.js';
import { NormalFrameService } from './normal-frame-service.js';
import { loadOrCreateKey, PendingFrameStore } from './pending-frames.js';
import { DEFAULT_REASONING } from './reasoning.js';
import { DEFAULT_RISK_WEIGHTS, type RiskWeights } from './risk.js';

export type AnalysisModule = Awaited<ReturnType<typeof createAnalysisModule>>;

/** The service's key for frames waiting for analysis (backups include it). */
export const pendingFramesKeyPath = (config: Config) =>
  path.resolve(config.dataDir, 'keys/pending-frames.key');

export async function createAnalysisModule(
  config: Config,
  db: Db,
  blobs: BlobStore,
  registry: JobRegistry,
  events: EventRepository,
  metrics: ServiceMetrics,
  queue: JobQueue,
  detection: DetectionService,
  baselines: BaselineService,
  ingest: EventIngestService,
  datasets: DatasetService,
  eventQuery: EventQueryService,
  log: Logger,
) {
  const repo = new AnalysisRepository(db, events);
  const a = config.analysis;
  const weights: RiskWeights = {
    ...DEFAULT_RISK_WEIGHTS,
    findings: { ...DEFAULT_RISK_WEIGHTS.findings, ...a.findingWeights } as RiskWeights['findings'],
    classes: { ...DEFAULT_RISK_WEIGHTS.classes, ...a.classWeights },
    criticalAt: a.criticalAt,
    warningAt: a.warningAt,
  };
  const frames = await PendingFrameStore.open(
    path.resolve(config.dataDir, a.pendingDir),
    await loadOrCreateKey(pendingFramesKeyPath(config)),
    a.frameBufferBytes,
  );
  const cae = new CaeScorer(new ModelRepository(db), blobs);
  const incidentRepo = new IncidentRepository(db);
  const service = new AnalysisService(repo, incidentRepo, frames, detection, baselines, cae, {
    reasoning: {
      ...DEFAULT_REASONING,
      newObjectPresence: a.newObjectPresence,
      rareTimeShare: a.rareTimeShare,
      minTimeSamples: a.minTimeSamples,
      rareCellShare: a.rareCellShare,
      sceneChangeRatio: a.sceneChangeRatio,
      explainedShare: a.explainedShare,
      minFindingScore: a.minFindingScore,
      dwellSeconds: a.dwellSeconds,
      staticIou: DEFAULT_REASONING.staticIou,
    },
    weights,
    incidentWindowMs: a.incidentWindowSeconds * 1000,
    relatedWindowMs: a.relatedWindowSeconds * 1000,
    detector: cameraDetection(config.vision),
  });
  registry.register(
    analysisJob(
      service,
      repo,
      (eventId, outcome) =>
        void events.get(eventId).then((e) => {
          if (e) metrics.analysisDuration.labels(outcome).observe((Date.now() - e.created_at) / 1000);
        }),
    ),
  );
  registry.register(learnNormalJob(baselines, service));
  const feedback = new FeedbackService(repo, service, { suppressionDays: a.suppressionDays });
  const normalFrames = new NormalFrameService(service, datasets, queue);
  const intake = new PendingAnalysisIntake(frames, repo, queue, log);
  if (a.enabled) ingest.sendForAnalysis(intake);
  // Before any edge can call: no upload races the sweep of frames without a committed event.
  await intake.resumeUnfinished();
  const incidents = new IncidentService(incidentRepo, eventQuery);
  return {
    service,
    feedback,
    normalFrames,
    incidents,
    cae,
    frames,
    repository: repo,
    close: () => cae.close(),
  };
}
