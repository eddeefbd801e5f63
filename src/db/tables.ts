/**
 * Kysely row types, one interface per table of the migrations, grouped by concern under
 * tables/. Times are epoch milliseconds, JSON columns are strings (repositories parse them),
 * booleans are 0/1 integers. Columns with a database default are `Generated` so inserts may omit them.
 */
import type {
  ApiTokensTable,
  BootstrapTokensTable,
  EdgesTable,
  EdgeCertificatesTable,
  CamerasTable,
} from './tables/identity.js';
import type {
  DatasetsTable,
  SnapshotsTable,
  TrainingJobsTable,
  TrainingEpochsTable,
  ModelsTable,
  DeploymentsTable,
  CameraModelsTable,
  BaselinesTable,
  SnapshotDetectionsTable,
} from './tables/ml.js';
import type {
  IncidentsTable,
  EventsTable,
  EventReviewsTable,
  EventObjectsTable,
  EventFindingsTable,
  ArchiveObjectsTable,
  StorageUsageTable,
  FeedbackTable,
  SuppressionRulesTable,
} from './tables/events.js';
import type {
  JobsTable,
  AuditLogTable,
  TelemetrySeriesTable,
  TelemetryEdgeSamplesTable,
  TelemetryCameraSamplesTable,
  TelemetryBucketsTable,
  TelemetryRollupStateTable,
  TelemetryRollupDirtyTable,
  HealthTransitionsTable,
  SchemaMigrationsTable,
} from './tables/operations.js';

export type * from './tables/identity.js';
export type * from './tables/ml.js';
export type * from './tables/events.js';
export type * from './tables/operations.js';

export interface DB {
  api_tokens: ApiTokensTable;
  bootstrap_tokens: BootstrapTokensTable;
  edges: EdgesTable;
  edge_certificates: EdgeCertificatesTable;
  cameras: CamerasTable;
  datasets: DatasetsTable;
  snapshots: SnapshotsTable;
  jobs: JobsTable;
  training_jobs: TrainingJobsTable;
  training_epochs: TrainingEpochsTable;
  models: ModelsTable;
  deployments: DeploymentsTable;
  camera_models: CameraModelsTable;
  audit_log: AuditLogTable;
  baselines: BaselinesTable;
  snapshot_detections: SnapshotDetectionsTable;
  incidents: IncidentsTable;
  events: EventsTable;
  event_reviews: EventReviewsTable;
  event_objects: EventObjectsTable;
  event_findings: EventFindingsTable;
  archive_objects: ArchiveObjectsTable;
  storage_usage: StorageUsageTable;
  telemetry_series: TelemetrySeriesTable;
  telemetry_edge_samples: TelemetryEdgeSamplesTable;
  telemetry_camera_samples: TelemetryCameraSamplesTable;
  telemetry_buckets: TelemetryBucketsTable;
  telemetry_rollup_state: TelemetryRollupStateTable;
  telemetry_rollup_dirty: TelemetryRollupDirtyTable;
  health_transitions: HealthTransitionsTable;
  feedback: FeedbackTable;
  suppression_rules: SuppressionRulesTable;
  schema_migrations: SchemaMigrationsTable;
}
