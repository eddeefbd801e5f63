import type { RouteDeps, TypedApp } from './deps.js';
import { listAuditRoute } from './audit/list.js';
import { createBootstrapTokenRoute } from './bootstrap-tokens/create.js';
import { listBootstrapTokensRoute } from './bootstrap-tokens/list.js';
import { revokeBootstrapTokenRoute } from './bootstrap-tokens/revoke.js';
import { baselineHeatmapRoute } from './cameras/baseline-heatmap.js';
import { cameraBaselineRoute } from './cameras/baseline.js';
import { cameraDatasetRoute } from './cameras/dataset.js';
import { cameraFeedbackRoute } from './cameras/feedback.js';
import { listCamerasRoute } from './cameras/list.js';
import { pinCameraRoute } from './cameras/pin.js';
import { cameraQualityRoute } from './cameras/quality.js';
import { rebuildBaselineRoute } from './cameras/rebuild-baseline.js';
import { setCameraStorageRoute } from './cameras/set-storage.js';
import { cameraStorageRoute } from './cameras/storage.js';
import { exportDatasetRoute, importDatasetRoute } from './datasets/archive.js';
import { createDatasetRoute } from './datasets/create.js';
import { deleteDatasetRoute } from './datasets/delete.js';
import { getDatasetRoute } from './datasets/get.js';
import { listDatasetsRoute } from './datasets/list.js';
import { setDatasetQuotaRoute } from './datasets/set-quota.js';
import { createDeploymentRoute } from './deployments/create.js';
import { getDeploymentRoute } from './deployments/get.js';
import { listDeploymentsRoute } from './deployments/list.js';
import { rollbackDeploymentRoute } from './deployments/rollback.js';
import { deleteEdgeRoute } from './edges/delete.js';
import { getEdgeRoute } from './edges/get.js';
import { listEdgesRoute } from './edges/list.js';
import { revokeEdgeRoute } from './edges/revoke.js';
import { eventChangesRoute } from './events/changes.js';
import { eventClipRoute } from './events/clip.js';
import { deleteEventRoute } from './events/delete.js';
import { eventFeedbackRoute } from './events/feedback.js';
import { getEventRoute } from './events/get.js';
import { learnNormalFrameRoute } from './events/learn-normal.js';
import { listEventsRoute } from './events/list.js';
import { markReviewedRoute } from './events/mark-reviewed.js';
import { eventReportRoute } from './events/report.js';
import { rescoreEventRoute } from './events/rescore.js';
import { reviewManyRoute } from './events/review-many.js';
import { eventSnapshotRoute } from './events/snapshot.js';
import { unmarkReviewedRoute } from './events/unmark-reviewed.js';
import { healthzRoute } from './health/healthz.js';
import { metricsRoute } from './health/metrics.js';
import { readyzRoute } from './health/readyz.js';
import { healthStatusRoute } from './health/status.js';
import { healthTransitionsRoute } from './health/transitions.js';
import { getIncidentRoute } from './incidents/get.js';
import { listIncidentsRoute } from './incidents/list.js';
import { cancelJobRoute } from './jobs/cancel.js';
import { getJobRoute } from './jobs/get.js';
import { listJobsRoute } from './jobs/list.js';
import { archiveModelRoute } from './models/archive.js';
import { deleteModelRoute } from './models/delete.js';
import { downloadModelRoute } from './models/download.js';
import { getModelRoute } from './models/get.js';
import { listModelsRoute } from './models/list.js';
import { registerModelRoute } from './models/register.js';
import { storageOverviewRoute } from './storage/overview.js';
import { runStorageJobRoutes } from './storage/run-job.js';
import { edgeTelemetryRoute } from './telemetry/edge.js';
import { createTokenRoute } from './tokens/create.js';
import { currentTokenRoute } from './tokens/current.js';
import { listTokensRoute } from './tokens/list.js';
import { revokeTokenRoute } from './tokens/revoke.js';
import { cancelTrainingRoute } from './training/cancel.js';
import { trainingEventsRoute } from './training/events.js';
import { getTrainingJobRoute } from './training/get.js';
import { listTrainingJobsRoute } from './training/list.js';
import { trainingMetricsRoute } from './training/metrics.js';
import { startTrainingRoute } from './training/start.js';
import { detectRoute } from './vision/detect.js';

/**
 * Every route of the REST API, one operation per file in `routes/<resource>/<operation>.ts`
 * (sub-resources live with their parent: a camera's storage, pin, feedback and quality under
 * `cameras/`), with the resource's shared schemas and views in its `schemas.ts`. The one
 * exception is `datasets/archive.ts`: import and export share the ZIP content-type parser.
 */
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
  cameraBaselineRoute,
  rebuildBaselineRoute,
  baselineHeatmapRoute,
  eventReportRoute,
  eventFeedbackRoute,
  rescoreEventRoute,
  cameraFeedbackRoute,
  cameraQualityRoute,
  learnNormalFrameRoute,
  listModelsRoute,
  getModelRoute,
  registerModelRoute,
  archiveModelRoute,
  deleteModelRoute,
  downloadModelRoute,
  createDeploymentRoute,
  listDeploymentsRoute,
  getDeploymentRoute,
  rollbackDeploymentRoute,
  pinCameraRoute,
  listAuditRoute,
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
  markReviewedRoute,
  unmarkReviewedRoute,
  reviewManyRoute,
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
