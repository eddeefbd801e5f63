/** Row types: Events, their objects, findings and incidents, the encrypted archive, storage usage, feedback. */
import type { Generated } from 'kysely';
import type { Flag, Json, Ms } from './common.js';

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
  /** Why the analysis failed; null otherwise. */
  analysis_error: Generated<string | null>;
  risk_score: number | null;
  risk_level: RiskLevel | null;
  explanation: string | null;
  report: Json | null;
  incident_id: string | null;
  created_at: Ms;
  updated_at: Ms;
}

/** An event marked reviewed by one API token. */
export interface EventReviewsTable {
  event_id: string;
  token_id: string;
  reviewed_at: Ms;
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
