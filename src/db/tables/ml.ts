/** Row types: Datasets and snapshots, training, models and their deployments, baselines. */
import type { Generated } from 'kysely';
import type { Flag, Json, Ms } from './common.js';

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
