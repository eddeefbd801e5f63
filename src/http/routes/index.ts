import type { RouteDeps, TypedApp } from './deps.js';
import { getDatasetRoute, listDatasetsRoute } from './datasets/list.js';
import { createDatasetRoute, deleteDatasetRoute, setDatasetQuotaRoute } from './datasets/manage.js';
import { exportDatasetRoute, importDatasetRoute } from './datasets/archive.js';
import {
  cancelTrainingRoute,
  getTrainingJobRoute,
  listTrainingJobsRoute,
  startTrainingRoute,
  trainingMetricsRoute,
} from './training/jobs.js';
import { trainingEventsRoute } from './training/events.js';
import { detectRoute } from './vision/detect.js';
import { cameraBaselineRoutes } from './cameras/baseline.js';
import { eventAnalysisRoutes } from './events/analysis.js';
import { modelCatalogRoutes } from './models/catalog.js';
import { deploymentRoutes } from './models/deployments.js';
import { createBootstrapTokenRoute } from './bootstrap-tokens/create.js';
import { listBootstrapTokensRoute } from './bootstrap-tokens/list.js';
import { revokeBootstrapTokenRoute } from './bootstrap-tokens/revoke.js';
import { cameraDatasetRoute } from './cameras/dataset.js';
import { listCamerasRoute } from './cameras/list.js';
import { deleteEdgeRoute } from './edges/delete.js';
import { getEdgeRoute } from './edges/get.js';
import { listEdgesRoute } from './edges/list.js';
import { revokeEdgeRoute } from './edges/revoke.js';
import { eventClipRoute } from './events/clip.js';
import { cameraStorageRoute, setCameraStorageRoute } from './storage/camera.js';
import { storageOverviewRoute } from './storage/overview.js';
import { runStorageJobRoutes } from './storage/run-job.js';
import { edgeTelemetryRoute } from './telemetry/edge.js';
import { healthStatusRoute, healthTransitionsRoute } from './health/status.js';
import { deleteEventRoute } from './events/delete.js';
import { getEventRoute } from './events/get.js';
import { listEventsRoute } from './events/list.js';
import { eventSnapshotRoute } from './events/snapshot.js';
import { eventReviewRoutes } from './events/review.js';
import { eventChangesRoute } from './events/changes.js';
import { learnNormalFrameRoute } from './events/learn-normal.js';
import { healthzRoute } from './health/healthz.js';
import { metricsRoute } from './health/metrics.js';
import { readyzRoute } from './health/readyz.js';
import { getIncidentRoute } from './incidents/get.js';
import { currentTokenRoute } from './tokens/current.js';
import { listIncidentsRoute } from './incidents/list.js';
import { cancelJobRoute } from './jobs/cancel.js';
import { getJobRoute } from './jobs/get.js';
import { listJobsRoute } from './jobs/list.js';
import { createTokenRoute } from './tokens/create.js';
import { listTokensRoute } from './tokens/list.js';
import { revokeTokenRoute } from './tokens/revoke.js';

/** Every route of the REST API; one file per operation. */
const ROUTES = [
  listDatasetsRoute,
  getDatasetRoute,
  createDatasetRoute,
  setDatasetQuotaRoute,
  deleteDatasetRoute,
  importDatasetRoute,
  exportDatasetRoute,
  startTrainingRoute,
  listTrainingJobsRoute,
  getTrainingJobRoute,
  trainingMetricsRoute,
  cancelTrainingRoute,
  trainingEventsRoute,
  detectRoute,
  cameraBaselineRoutes,
  eventAnalysisRoutes,
  learnNormalFrameRoute,
  modelCatalogRoutes,
  deploymentRoutes,
  healthzRoute,
  readyzRoute,
  metricsRoute,
  createTokenRoute,
  listTokensRoute,
  currentTokenRoute,
  revokeTokenRoute,
  getJobRoute,
  listJobsRoute,
  cancelJobRoute,
  createBootstrapTokenRoute,
  listBootstrapTokensRoute,
  revokeBootstrapTokenRoute,
  listEdgesRoute,
  getEdgeRoute,
  revokeEdgeRoute,
  deleteEdgeRoute,
  listCamerasRoute,
  cameraDatasetRoute,
  listEventsRoute,
  getEventRoute,
  eventSnapshotRoute,
  eventReviewRoutes,
  eventChangesRoute,
  eventClipRoute,
  deleteEventRoute,
  listIncidentsRoute,
  getIncidentRoute,
  storageOverviewRoute,
  cameraStorageRoute,
  setCameraStorageRoute,
  runStorageJobRoutes,
  edgeTelemetryRoute,
  healthStatusRoute,
  healthTransitionsRoute,
];

export function registerRoutes(app: TypedApp, deps: RouteDeps): void {
  for (const route of ROUTES) route(app, deps);
}
