/** Row types: The job queue, audit log, telemetry, health history and migrations bookkeeping. */
import type { Generated } from 'kysely';
import type { Flag, Json, Ms } from './common.js';

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
  /** Times the runner stopped under this job (attempt given back each time). */
  interruptions: Generated<number>;
  created_at: Ms;
  updated_at: Ms;
  started_at: Ms | null;
  finished_at: Ms | null;
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

export interface TelemetrySeriesTable {
  id: Generated<number>;
  edge_id: string;
  /** '' for the edge itself. */
  camera_id: string;
}

export interface TelemetryEdgeSamplesTable {
  series_id: number;
  at: Ms;
  cpu_percent: number;
  memory_used_bytes: number;
  memory_total_bytes: number;
  disk_used_bytes: number;
  disk_total_bytes: number;
  network_rx_bytes: number;
  network_tx_bytes: number;
  event_queue_length: number;
  temperatures_c: Json | null;
  software_version: string;
}

export interface TelemetryCameraSamplesTable {
  series_id: number;
  at: Ms;
  online: Flag;
  fps: number;
  last_frame_at: Ms | null;
  inference_latency_ms: number;
  trigger_rate_per_hour: number;
  model_version: string;
}

export interface TelemetryBucketsTable {
  series_id: number;
  step_seconds: number;
  bucket_start: Ms;
  metrics: Json;
}

export interface TelemetryRollupStateTable {
  step_seconds: number;
  rolled_until: Ms;
}

export interface TelemetryRollupDirtyTable {
  series_id: number;
  bucket_start: Ms;
}

export interface HealthTransitionsTable {
  id: string;
  subject_type: string;
  subject_id: string;
  status: 'healthy' | 'degraded' | 'unhealthy';
  reasons: Json;
  at: Ms;
}

export interface SchemaMigrationsTable {
  id: string;
  applied_at: Ms;
}
