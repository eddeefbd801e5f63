/**
 * Every service of the edge contract, registered in one place (the counterpart of
 * http/routes/index.ts). Handlers are thin: they translate messages and call the services here.
 */
import type { ConnectRouter } from '@connectrpc/connect';
import type { DatasetImportService } from '../datasets/dataset-import-service.js';
import type { DatasetService } from '../datasets/dataset-service.js';
import type { CameraAccess } from '../edges/camera-access.js';
import type { CameraService } from '../edges/camera-service.js';
import type { EdgeIdentityResolver } from '../edges/edge-identity.js';
import type { EdgeRegistryService } from '../edges/edge-registry-service.js';
import type { EnrollmentService } from '../edges/enrollment-service.js';
import type { ClipUploadService } from '../events/clip-upload-service.js';
import type { EventIngestService } from '../events/event-ingest-service.js';
import { DatasetService as DatasetRpc } from '../gen/guardian/edge/v1/datasets_pb.js';
import { EdgeService } from '../gen/guardian/edge/v1/edge_pb.js';
import { EnrollmentService as EnrollmentRpc } from '../gen/guardian/edge/v1/enrollment_pb.js';
import { EventService } from '../gen/guardian/edge/v1/events_pb.js';
import { ModelService as ModelRpc } from '../gen/guardian/edge/v1/models_pb.js';
import { TelemetryService as TelemetryRpc } from '../gen/guardian/edge/v1/telemetry_pb.js';
import type { ModelsModule } from '../models/models-module.js';
import type { TelemetryService } from '../telemetry/telemetry-service.js';
import { datasetHandlers } from './handlers/datasets.js';
import { edgeHandlers } from './handlers/edge.js';
import { enrollmentHandlers } from './handlers/enrollment.js';
import { eventHandlers } from './handlers/events.js';
import { modelHandlers } from './handlers/models.js';
import { telemetryHandlers } from './handlers/telemetry.js';

export interface EdgeRouteDeps {
  enrollment: EnrollmentService;
  registry: EdgeRegistryService;
  cameras: CameraService;
  identity: EdgeIdentityResolver;
  cameraAccess: CameraAccess;
  telemetry: TelemetryService;
  datasets: DatasetService;
  imports: DatasetImportService;
  ingest: EventIngestService;
  clips: ClipUploadService;
  models: Pick<ModelsModule, 'assignments' | 'catalog' | 'status'>;
  maxConcurrentDownloads: number;
}

export function registerEdgeRoutes(router: ConnectRouter, d: EdgeRouteDeps): void {
  router.service(EnrollmentRpc, enrollmentHandlers(d.enrollment));
  router.service(EdgeService, edgeHandlers(d.registry, d.cameras));
  router.service(TelemetryRpc, telemetryHandlers(d.telemetry));
  router.service(DatasetRpc, datasetHandlers(d.datasets, d.imports, d.cameraAccess, d.identity));
  router.service(EventService, eventHandlers(d.ingest, d.clips, d.identity));
  router.service(
    ModelRpc,
    modelHandlers(
      d.models.assignments,
      d.models.catalog,
      d.models.status,
      d.identity,
      d.maxConcurrentDownloads,
    ),
  );
}
