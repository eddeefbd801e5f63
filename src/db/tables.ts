/**
 * Kysely row types, one interface per table of the migrations. Times are epoch milliseconds,
 * JSON columns are strings (repositories parse them), booleans are 0/1 integers.
 * Columns with a database default are `Generated` so inserts may omit them.
 */
import type { Generated } from 'kysely';

type Json = string;
type Ms = number;
type Flag = number;

export interface ApiTokensTable {
  id: string;
  name: string;
  role: 'admin' | 'viewer';
  prefix: string;
  secret_hash: string;
  created_at: Ms;
  created_by: string | null;
  expires_at: Ms | null;
  last_used_at: Ms | null;
  revoked_at: Ms | null;
}

export interface BootstrapTokensTable {
  id: string;
  name: string;
  prefix: string;
  secret_hash: string;
  expires_at: Ms;
  max_uses: Generated<number>;
  use_count: Generated<number>;
  allowed_cameras: Json | null;
  allowed_labels: Json | null;
  created_at: Ms;
  created_by: string | null;
  revoked_at: Ms | null;
}

export interface EdgesTable {
  id: string;
  name: string;
  status: 'active' | 'revoked';
  bootstrap_token_id: string | null;
  cert_serial: string | null;
  cert_fingerprint: string | null;
  cert_expires_at: Ms | null;
  allowed_cameras: Json | null;
  allowed_labels: Json | null;
  wg_public_key: string | null;
  tunnel_address: string | null;
  software_version: string | null;
  capabilities: Json | null;
  last_seen_at: Ms | null;
  last_rtt_ms: number | null;
  enrolled_at: Ms;
  revoked_at: Ms | null;
  revoked_reason: string | null;
  created_at: Ms;
  updated_at: Ms;
}

export interface EdgeCertificatesTable {
  serial: string;
  edge_id: string;
  fingerprint: string;
  not_before: Ms;
  not_after: Ms;
  revoked_at: Ms | null;
}

export type CameraReadiness = 'needs_snapshots' | 'ready_for_training' | 'training' | 'model_deployed';

export interface CamerasTable {
  id: string;
  edge_id: string;
  name: string;
  kind: Generated<'rtsp' | 'usb' | 'other'>;
  width: number | null;
  height: number | null;
  fps: number | null;
  capabilities: Json | null;
  snapshot_counts: Json | null;
  readiness: Generated<CameraReadiness>;
  allowed: Generated<Flag>;
  quota_bytes: number | null;
  retention_days: number | null;
  last_seen_at: Ms | null;
  created_at: Ms;
  updated_at: Ms;
}

export interface DatasetsTable {
  id: string;
  camera_id: string;
  name: string;
  image_count: Generated<number>;
  duplicate_count: Generated<number>;
  total_bytes: Generated<number>;
  quota_bytes: number | null;
  created_at: Ms;
  updated_at: Ms;
}

export interface SnapshotsTable {
  id: string;
  dataset_id: string;
  camera_id: string;
  label: string;
  blob_key: string;
  sha256: string;
  size: number;
  width: number;
  height: number;
  content_type: string;
  captured_at: Ms | null;
  conditions: Json | null;
  created_at: Ms;
}

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'dead' | 'cancelled';

export interface JobsTable {
  id: string;
  type: string;
  payload: Json;
  status: JobStatus;
  priority: Generated<number>;
  dedupe_key: string | null;
  attempts: Generated<number>;
  max_attempts: number;
  run_at: Ms;
  lease_owner: string | null;
  lease_expires_at: Ms | null;
  progress: Json | null;
  result: Json | null;
  last_error: string | null;
  cancel_requested: Generated<Flag>;
  created_at: Ms;
  updated_at: Ms;
  started_at: Ms | null;
  finished_at: Ms | null;
}

export interface TrainingJobsTable {
  id: string;
  camera_id: string;
  dataset_id: string;
  job_id: string | null;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  params: Json;
  progress: Json | null;
  metrics: Json | null;
  model_id: string | null;
  error: string | null;
  created_at: Ms;
  started_at: Ms | null;
  finished_at: Ms | null;
}

export interface TrainingEpochsTable {
  training_job_id: string;
  epoch: number;
  train_loss: number;
  val_loss: number | null;
  seconds: number;
}

export interface ModelsTable {
  id: string;
  camera_id: string | null;
  kind: 'cae' | 'detector';
  name: string;
  version: string;
  format: Generated<string>;
  opset: number | null;
  input_shape: Json | null;
  size: number;
  sha256: string;
  threshold: number | null;
  dataset_id: string | null;
  training_job_id: string | null;
  metrics: Json | null;
  metadata: Json | null;
  status: 'training' | 'ready' | 'active' | 'archived' | 'failed';
  created_at: Ms;
}

export interface DeploymentsTable {
  id: string;
  model_id: string;
  target: Json;
  strategy: 'all_at_once' | 'staged';
  canary_share: number | null;
  soak_seconds: number | null;
  abort_failure_share: number | null;
  priority: Generated<number>;
  status: string;
  rollback_of: string | null;
  reason: string | null;
  created_by: string | null;
  created_at: Ms;
  updated_at: Ms;
}

export interface CameraModelsTable {
  camera_id: string;
  deployment_id: string;
  model_id: string;
  status: 'assigned' | 'downloading' | 'verified' | 'activated' | 'failed' | 'rolled_back';
  reason: string | null;
  health: Json | null;
  pinned: Generated<Flag>;
  updated_at: Ms;
}

export interface AuditLogTable {
  id: string;
  at: Ms;
  actor: string;
  action: string;
  subject_type: string;
  subject_id: string;
  reason: string | null;
  details: Json | null;
}

export interface BaselinesTable {
  id: string;
  camera_id: string;
  version: number;
  detector: string;
  snapshot_count: number;
  stats: Json;
  static_objects: Json;
  created_at: Ms;
}

export interface SnapshotDetectionsTable {
  snapshot_id: string;
  detector: string;
  detections: Json;
  created_at: Ms;
}

export interface IncidentsTable {
  id: string;
  camera_id: string;
  edge_id: string;
  started_at: Ms;
  ended_at: Ms;
  event_count: Generated<number>;
  risk_score: number | null;
  risk_level: string | null;
}

export type RiskLevel = 'critical' | 'warning' | 'normal' | 'false_positive';

export interface EventsTable {
  id: string;
  camera_id: string;
  edge_id: string;
  edge_event_key: string;
  trigger_type: 'anomaly' | 'motion' | 'rule';
  started_at: Ms;
  ended_at: Ms | null;
  edge_model_id: string | null;
  edge_model_version: string | null;
  edge_score: number | null;
  edge_threshold: number | null;
  edge_detections: Json | null;
  frame_count: Generated<number>;
  has_clip: Generated<Flag>;
  analysis_status: Generated<'pending' | 'analyzing' | 'analyzed' | 'failed'>;
  risk_score: number | null;
  risk_level: RiskLevel | null;
  explanation: string | null;
  report: Json | null;
  incident_id: string | null;
  created_at: Ms;
  updated_at: Ms;
}

export interface EventObjectsTable {
  id: string;
  event_id: string;
  frame_index: number;
  track_id: number | null;
  class_name: string;
  score: number;
  box: Json;
}

export interface EventFindingsTable {
  id: string;
  event_id: string;
  type: string;
  score: number;
  evidence: Json;
}

export interface ArchiveObjectsTable {
  id: string;
  event_id: string | null;
  camera_id: string;
  kind: 'snapshot' | 'clip' | 'metadata';
  bucket: string;
  key: string;
  size: number;
  sha256: string;
  status: 'pending' | 'uploading' | 'completed' | 'failed';
  spool_path: string | null;
  attempts: Generated<number>;
  error: string | null;
  created_at: Ms;
  updated_at: Ms;
}

export interface StorageUsageTable {
  camera_id: string;
  quota_bytes: number | null;
  used_bytes: Generated<number>;
  object_count: Generated<number>;
  warned_at: Ms | null;
  reconciled_at: Ms | null;
}

export interface TelemetrySamplesTable {
  edge_id: string;
  camera_id: string | null;
  at: Ms;
  metrics: Json;
}

export interface TelemetryRollupsTable {
  edge_id: string;
  camera_id: Generated<string>;
  bucket_start: Ms;
  step_seconds: number;
  metrics: Json;
}

export interface HealthTransitionsTable {
  id: string;
  subject_type: string;
  subject_id: string;
  status: 'healthy' | 'degraded' | 'unhealthy';
  reasons: Json;
  at: Ms;
}

export interface FeedbackTable {
  id: string;
  event_id: string | null;
  camera_id: string;
  kind: 'false_positive' | 'confirmed' | 'false_negative';
  comment: string | null;
  created_by: string | null;
  created_at: Ms;
}

export interface SuppressionRulesTable {
  id: string;
  camera_id: string;
  class_name: string | null;
  finding_type: string | null;
  region: Json | null;
  hours: Json | null;
  feedback_id: string | null;
  expires_at: Ms | null;
  created_at: Ms;
}

export interface SchemaMigrationsTable {
  id: string;
  applied_at: Ms;
}

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
  event_objects: EventObjectsTable;
  event_findings: EventFindingsTable;
  archive_objects: ArchiveObjectsTable;
  storage_usage: StorageUsageTable;
  telemetry_samples: TelemetrySamplesTable;
  telemetry_rollups: TelemetryRollupsTable;
  health_transitions: HealthTransitionsTable;
  feedback: FeedbackTable;
  suppression_rules: SuppressionRulesTable;
  schema_migrations: SchemaMigrationsTable;
}
