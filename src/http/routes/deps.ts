import type { Logger } from '../../logging/logger.js';
import type {
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ApiTokenService } from '../../auth/api-token-service.js';
import type { JobQueue } from '../../jobs/job-queue.js';
import type { EdgesModule } from '../../edges/edges-module.js';
import type { EventsModule } from '../../events/events-module.js';
import type { TelemetryService } from '../../telemetry/telemetry-service.js';
import type { HealthService } from '../../health/health-service.js';
import type { ServiceMetrics } from '../../metrics/metrics.js';
import type { ReadinessService } from '../../health/readiness.js';
import type { MlModule } from '../../training/ml-module.js';
import type { DetectionService } from '../../vision/detection-service.js';
import type { BaselineService } from '../../baseline/baseline-service.js';
import type { AnalysisModule } from '../../analysis/analysis-module.js';
import type { ModelsModule } from '../../models/models-module.js';

/** The services routes may call. Routes parse, authorise, call one service, and render. */
export interface RouteDeps {
  version: string;
  tokens: ApiTokenService;
  jobs: JobQueue;
  readiness: ReadinessService;
  metrics: ServiceMetrics;
  edges: EdgesModule;
  events: EventsModule;
  telemetry: TelemetryService;
  health: HealthService;
  ml: MlModule;
  vision: DetectionService;
  baseline: BaselineService;
  analysis: AnalysisModule;
  models: ModelsModule;
  /** archive.maxTotalBytes, shown with usage. */
  maxTotalBytes?: number;
}

export type TypedApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  Logger,
  TypeBoxTypeProvider
>;
