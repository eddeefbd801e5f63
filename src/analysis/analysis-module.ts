/**
 * The analysis capability, composed in two steps (job first, services once the queue, detector,
 * baselines and ingest exist). Accepted events hand their frames over in memory and are queued.
 */
import type { BaselineService } from '../baseline/baseline-service.js';
import type { DatasetService } from '../datasets/dataset-service.js';
import type { Config } from '../config/schema.js';
import type { Db } from '../db/database.js';
import type { EventIngestService } from '../events/event-ingest-service.js';
import type { EventRepository } from '../events/event-repository.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { JobRegistry } from '../jobs/job-registry.js';
import type { Logger } from '../logging/logger.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { DetectionService } from '../vision/detection-service.js';
import { cameraDetection } from '../vision/detector-factory.js';
import type { ServiceMetrics } from '../telemetry/metrics.js';
import { ANALYSIS_JOB, analysisJob } from './analysis-job.js';
import { AnalysisRepository } from './analysis-repository.js';
import { AnalysisService } from './analysis-service.js';
import { CaeScorer } from './cae-scorer.js';
import { FeedbackService } from './feedback-service.js';
import { learnNormalJob } from './learn-normal-job.js';
import { NormalFrameService } from './normal-frame-service.js';
import { AnalysisFrameBuffer } from './frame-buffer.js';
import { DEFAULT_REASONING } from './reasoning.js';
import { DEFAULT_RISK_WEIGHTS, type RiskWeights } from './risk.js';

export type AnalysisModule = ReturnType<ReturnType<typeof registerAnalysisJobs>>;

export function registerAnalysisJobs(
  config: Config,
  db: Db,
  blobs: BlobStore,
  registry: JobRegistry,
  events: EventRepository,
  metrics: ServiceMetrics,
) {
  const repo = new AnalysisRepository(db, events);
  const late: { service?: AnalysisService; baselines?: BaselineService } = {};
  registry.register(
    analysisJob(
      () => late.service!,
      () => repo,
      (eventId, outcome) =>
        void events.get(eventId).then((e) => {
          if (e) metrics.analysisDuration.labels(outcome).observe((Date.now() - e.created_at) / 1000);
        }),
    ),
  );
  registry.register(
    learnNormalJob(
      () => late.baselines!,
      () => late.service!,
    ),
  );
  return (
    queue: JobQueue,
    detection: DetectionService,
    baselines: BaselineService,
    ingest: EventIngestService,
    datasets: DatasetService,
    log: Logger,
  ) => {
    const a = config.analysis;
    const weights: RiskWeights = {
      ...DEFAULT_RISK_WEIGHTS,
      findings: { ...DEFAULT_RISK_WEIGHTS.findings, ...a.findingWeights } as RiskWeights['findings'],
      classes: { ...DEFAULT_RISK_WEIGHTS.classes, ...a.classWeights },
      criticalAt: a.criticalAt,
      warningAt: a.warningAt,
    };
    const frames = new AnalysisFrameBuffer(a.frameBufferBytes);
    const cae = new CaeScorer(db, blobs);
    const service = new AnalysisService(repo, frames, detection, baselines, cae, {
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
    late.service = service;
    late.baselines = baselines;
    const feedback = new FeedbackService(repo, service, { suppressionDays: a.suppressionDays });
    const normalFrames = new NormalFrameService(service, datasets, queue);
    if (a.enabled) {
      ingest.onAccepted(async (e) => {
        for (const dropped of frames.put(e.eventId, { frames: e.frames, conditions: e.conditions })) {
          log.warn({ eventId: dropped }, 'analysis buffer full: event frames dropped before analysis');
          await repo.setStatus(dropped, 'failed', Date.now());
        }
        await queue.enqueue(ANALYSIS_JOB, { eventId: e.eventId }, { dedupeKey: `analyze:${e.eventId}` });
      });
    }
    return { service, feedback, normalFrames, cae, repository: repo, close: () => cae.close() };
  };
}
