/**
 * Prometheus gauges about what the capabilities hold, read at scrape time with bounded label
 * sets: archive use and quota per camera, archive objects by status, events by risk level, findings by type, frames waiting for analysis, the model each camera
 * runs (info metric), inference worker utilisation, and the health status of the system, edges and
 * cameras.
 */
import type { AnalysisRepository } from '../analysis/analysis-repository.js';
import type { PendingFrameStore } from '../analysis/pending-frames.js';
import type { AssignmentService } from '../models/assignment-service.js';
import type { EventRepository } from '../events/event-repository.js';
import type { QuotaService } from '../events/quota-service.js';
import type { ModelRepository } from '../models/model-repository.js';
import type { DetectionService } from '../vision/detection-service.js';
import type { HealthService } from '../health/health-service.js';
import type { ServiceMetrics } from './metrics.js';

const STATUSES = ['healthy', 'degraded', 'unhealthy'] as const;

export function registerCapabilityMetrics(
  metrics: ServiceMetrics,
  deps: {
    analysis: AnalysisRepository;
    waitingFrames: Pick<PendingFrameStore, 'usedBytes' | 'count'>;
    models: ModelRepository;
    assignments: AssignmentService;
    detector: DetectionService;
    health: HealthService;
    quotas: Pick<QuotaService, 'all'>;
    archive: Pick<EventRepository, 'countObjectsByStatus'>;
  },
): void {
  metrics.gauge(
    'uservm_camera_storage_used_bytes',
    'Archive bytes per camera (clips, snapshots, metadata).',
    ['camera'],
    async (g) => {
      for (const c of await deps.quotas.all()) g.labels(c.cameraId).set(c.usedBytes);
    },
  );
  metrics.gauge('uservm_camera_storage_quota_bytes', 'Archive quota per camera.', ['camera'], async (g) => {
    for (const c of await deps.quotas.all()) g.labels(c.cameraId).set(c.quotaBytes);
  });
  metrics.gauge(
    'uservm_archive_objects',
    'Archive objects by upload status (pending ones wait in the spool).',
    ['status'],
    async (g) => {
      for (const row of await deps.archive.countObjectsByStatus())
        g.labels(row.status).set(Number(row.count));
    },
  );
  metrics.gauge('uservm_events', 'Events by risk level (unscored until analysed).', ['level'], async (g) => {
    for (const r of await deps.analysis.countsByLevel()) g.labels(r.level).set(r.n);
  });
  metrics.gauge('uservm_event_findings', 'Findings on events, by finding type.', ['type'], async (g) => {
    for (const r of await deps.analysis.findingCounts()) g.labels(r.type).set(r.n);
  });
  metrics.gauge(
    'uservm_camera_model_info',
    'The model version each camera is assigned (1), with its delivery status.',
    ['camera', 'version', 'status'],
    async (g) => {
      for (const camera of await deps.models.camerasWithModels()) {
        const a = await deps.assignments.effective(camera);
        if (a) g.labels(camera, a.model.version, a.status).set(1);
      }
    },
  );
  metrics.gauge(
    'uservm_analysis_waiting_bytes',
    'Bytes of event frames waiting on disk for analysis (bounded by analysis.frameBufferBytes).',
    [],
    (g) => g.set(deps.waitingFrames.usedBytes),
  );
  metrics.gauge('uservm_analysis_waiting_events', 'Events whose frames wait for analysis.', [], (g) =>
    g.set(deps.waitingFrames.count),
  );
  metrics.gauge('uservm_worker_utilisation_ratio', 'Busy share of a worker pool.', ['pool'], (g) => {
    g.labels('detector').set(deps.detector.utilisation());
  });
  metrics.gauge(
    'uservm_health_subjects',
    'Edges and cameras by health status (last evaluation).',
    ['kind', 'status'],
    (g) => {
      const tree = deps.health.latest;
      if (!tree) return;
      for (const status of STATUSES) {
        g.labels('edge', status).set(tree.edges.filter((e) => e.status === status).length);
        g.labels('camera', status).set(
          tree.edges.flatMap((e) => e.cameras).filter((c) => c.status === status).length,
        );
      }
    },
  );
  metrics.gauge(
    'uservm_health_system',
    'Overall system health (1 for the current status).',
    ['status'],
    (g) => {
      const tree = deps.health.latest;
      if (!tree) return;
      for (const status of STATUSES) g.labels(status).set(tree.status === status ? 1 : 0);
    },
  );
}
