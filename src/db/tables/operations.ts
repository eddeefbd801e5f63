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

export interface SchemaMigrationsTable {
  id: string;
  applied_at: Ms;
}
