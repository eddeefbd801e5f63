/**
 * The initial schema: every table the capabilities of DESIGN.md need, so that later work extends
 * these tables (new migrations) rather than rewriting them. Conventions: ids are time-ordered
 * UUIDs (v7) as TEXT; times are INTEGER milliseconds since the epoch; JSON columns are TEXT checked
 * with json_valid; STRICT tables so SQLite enforces the declared types.
 */
export const up = `
CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'viewer')),
  prefix TEXT NOT NULL UNIQUE,
  secret_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT,
  expires_at INTEGER,
  last_used_at INTEGER,
  revoked_at INTEGER
) STRICT;

CREATE TABLE bootstrap_tokens (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  prefix TEXT NOT NULL UNIQUE,
  secret_hash TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  max_uses INTEGER NOT NULL DEFAULT 1 CHECK (max_uses > 0),
  use_count INTEGER NOT NULL DEFAULT 0,
  allowed_cameras TEXT CHECK (allowed_cameras IS NULL OR json_valid(allowed_cameras)),
  allowed_labels TEXT CHECK (allowed_labels IS NULL OR json_valid(allowed_labels)),
  created_at INTEGER NOT NULL,
  created_by TEXT,
  revoked_at INTEGER
) STRICT;

CREATE TABLE edges (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
  bootstrap_token_id TEXT REFERENCES bootstrap_tokens(id) ON DELETE SET NULL,
  cert_serial TEXT UNIQUE,
  -- sha256 of the current client certificate (DER, lowercase hex): how a TLS peer is recognised.
  cert_fingerprint TEXT UNIQUE,
  cert_expires_at INTEGER,
  -- JSON arrays from the bootstrap token; NULL means any camera / label.
  allowed_cameras TEXT CHECK (allowed_cameras IS NULL OR json_valid(allowed_cameras)),
  allowed_labels TEXT CHECK (allowed_labels IS NULL OR json_valid(allowed_labels)),
  wg_public_key TEXT UNIQUE,
  tunnel_address TEXT UNIQUE,
  software_version TEXT,
  capabilities TEXT CHECK (capabilities IS NULL OR json_valid(capabilities)),
  last_seen_at INTEGER,
  last_rtt_ms REAL,
  enrolled_at INTEGER NOT NULL,
  revoked_at INTEGER,
  revoked_reason TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE edge_certificates (
  serial TEXT PRIMARY KEY,
  edge_id TEXT NOT NULL REFERENCES edges(id) ON DELETE CASCADE,
  fingerprint TEXT NOT NULL,
  not_before INTEGER NOT NULL,
  not_after INTEGER NOT NULL,
  revoked_at INTEGER
) STRICT;
CREATE INDEX edge_certificates_edge ON edge_certificates(edge_id);

CREATE TABLE cameras (
  id TEXT PRIMARY KEY,
  edge_id TEXT NOT NULL REFERENCES edges(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL DEFAULT 'other' CHECK (kind IN ('rtsp', 'usb', 'other')),
  width INTEGER,
  height INTEGER,
  fps REAL,
  capabilities TEXT CHECK (capabilities IS NULL OR json_valid(capabilities)),
  snapshot_counts TEXT CHECK (snapshot_counts IS NULL OR json_valid(snapshot_counts)),
  readiness TEXT NOT NULL DEFAULT 'needs_snapshots'
    CHECK (readiness IN ('needs_snapshots', 'ready_for_training', 'training', 'model_deployed')),
  allowed INTEGER NOT NULL DEFAULT 1,
  quota_bytes INTEGER,
  retention_days INTEGER,
  last_seen_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX cameras_edge ON cameras(edge_id);

CREATE TABLE datasets (
  id TEXT PRIMARY KEY,
  camera_id TEXT NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  image_count INTEGER NOT NULL DEFAULT 0,
  duplicate_count INTEGER NOT NULL DEFAULT 0,
  total_bytes INTEGER NOT NULL DEFAULT 0,
  quota_bytes INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX datasets_camera ON datasets(camera_id);

CREATE TABLE snapshots (
  id TEXT PRIMARY KEY,
  dataset_id TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  camera_id TEXT NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
  label TEXT NOT NULL,
  blob_key TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  captured_at INTEGER,
  conditions TEXT CHECK (conditions IS NULL OR json_valid(conditions)),
  created_at INTEGER NOT NULL,
  UNIQUE (dataset_id, sha256)
) STRICT;
CREATE INDEX snapshots_camera_label ON snapshots(camera_id, label);

CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  payload TEXT NOT NULL CHECK (json_valid(payload)),
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'dead', 'cancelled')),
  priority INTEGER NOT NULL DEFAULT 0,
  dedupe_key TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  run_at INTEGER NOT NULL,
  lease_owner TEXT,
  lease_expires_at INTEGER,
  progress TEXT CHECK (progress IS NULL OR json_valid(progress)),
  result TEXT CHECK (result IS NULL OR json_valid(result)),
  last_error TEXT,
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER
) STRICT;
-- Due work, in the order runners take it (matches the lease query's ORDER BY, so no sort).
CREATE INDEX jobs_due ON jobs(status, priority DESC, run_at, id);
-- Running jobs by lease expiry, to reclaim those whose runner died.
CREATE INDEX jobs_lease ON jobs(status, lease_expires_at);
-- At most one live (queued or running) job per type and dedupe key.
CREATE UNIQUE INDEX jobs_dedupe ON jobs(type, dedupe_key)
  WHERE dedupe_key IS NOT NULL AND status IN ('queued', 'running');

CREATE TABLE training_jobs (
  id TEXT PRIMARY KEY,
  camera_id TEXT NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
  dataset_id TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  job_id TEXT REFERENCES jobs(id) ON DELETE SET NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  params TEXT NOT NULL CHECK (json_valid(params)),
  progress TEXT CHECK (progress IS NULL OR json_valid(progress)),
  metrics TEXT CHECK (metrics IS NULL OR json_valid(metrics)),
  model_id TEXT,
  error TEXT,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER
) STRICT;

CREATE TABLE training_epochs (
  training_job_id TEXT NOT NULL REFERENCES training_jobs(id) ON DELETE CASCADE,
  epoch INTEGER NOT NULL,
  train_loss REAL NOT NULL,
  val_loss REAL,
  seconds REAL NOT NULL,
  PRIMARY KEY (training_job_id, epoch)
) STRICT;

CREATE TABLE models (
  id TEXT PRIMARY KEY,
  camera_id TEXT REFERENCES cameras(id) ON DELETE SET NULL,
  kind TEXT NOT NULL CHECK (kind IN ('cae', 'detector')),
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  format TEXT NOT NULL DEFAULT 'onnx',
  opset INTEGER,
  input_shape TEXT CHECK (input_shape IS NULL OR json_valid(input_shape)),
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  threshold REAL,
  dataset_id TEXT REFERENCES datasets(id) ON DELETE SET NULL,
  training_job_id TEXT REFERENCES training_jobs(id) ON DELETE SET NULL,
  metrics TEXT CHECK (metrics IS NULL OR json_valid(metrics)),
  metadata TEXT CHECK (metadata IS NULL OR json_valid(metadata)),
  status TEXT NOT NULL CHECK (status IN ('training', 'ready', 'active', 'archived', 'failed')),
  created_at INTEGER NOT NULL,
  UNIQUE (name, version)
) STRICT;

CREATE TABLE deployments (
  id TEXT PRIMARY KEY,
  model_id TEXT NOT NULL REFERENCES models(id),
  target TEXT NOT NULL CHECK (json_valid(target)),
  strategy TEXT NOT NULL CHECK (strategy IN ('all_at_once', 'staged')),
  canary_share REAL,
  soak_seconds INTEGER,
  abort_failure_share REAL,
  priority INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL,
  rollback_of TEXT REFERENCES deployments(id),
  reason TEXT,
  created_by TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

-- What each camera should run and what it reports it runs.
CREATE TABLE camera_models (
  camera_id TEXT NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
  deployment_id TEXT NOT NULL REFERENCES deployments(id),
  model_id TEXT NOT NULL REFERENCES models(id),
  status TEXT NOT NULL CHECK (status IN ('assigned', 'downloading', 'verified', 'activated', 'failed', 'rolled_back')),
  reason TEXT,
  health TEXT CHECK (health IS NULL OR json_valid(health)),
  pinned INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (camera_id, deployment_id)
) STRICT;

CREATE TABLE audit_log (
  id TEXT PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  subject_type TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  reason TEXT,
  details TEXT CHECK (details IS NULL OR json_valid(details))
) STRICT;
CREATE INDEX audit_log_subject ON audit_log(subject_type, subject_id, at);

CREATE TABLE baselines (
  id TEXT PRIMARY KEY,
  camera_id TEXT NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  detector TEXT NOT NULL,
  snapshot_count INTEGER NOT NULL,
  stats TEXT NOT NULL CHECK (json_valid(stats)),
  static_objects TEXT NOT NULL CHECK (json_valid(static_objects)),
  created_at INTEGER NOT NULL,
  UNIQUE (camera_id, version)
) STRICT;

-- Detections per normal snapshot, kept so a baseline can be updated incrementally.
CREATE TABLE snapshot_detections (
  snapshot_id TEXT NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
  detector TEXT NOT NULL,
  detections TEXT NOT NULL CHECK (json_valid(detections)),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (snapshot_id, detector)
) STRICT;

CREATE TABLE incidents (
  id TEXT PRIMARY KEY,
  camera_id TEXT NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
  edge_id TEXT NOT NULL REFERENCES edges(id) ON DELETE CASCADE,
  started_at INTEGER NOT NULL,
  ended_at INTEGER NOT NULL,
  event_count INTEGER NOT NULL DEFAULT 0,
  risk_score REAL,
  risk_level TEXT
) STRICT;

CREATE TABLE events (
  id TEXT PRIMARY KEY,
  camera_id TEXT NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
  edge_id TEXT NOT NULL REFERENCES edges(id) ON DELETE CASCADE,
  edge_event_key TEXT NOT NULL,
  trigger_type TEXT NOT NULL CHECK (trigger_type IN ('anomaly', 'motion', 'rule')),
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  edge_model_id TEXT,
  edge_model_version TEXT,
  edge_score REAL,
  edge_threshold REAL,
  edge_detections TEXT CHECK (edge_detections IS NULL OR json_valid(edge_detections)),
  frame_count INTEGER NOT NULL DEFAULT 0,
  has_clip INTEGER NOT NULL DEFAULT 0,
  analysis_status TEXT NOT NULL DEFAULT 'pending'
    CHECK (analysis_status IN ('pending', 'analyzing', 'analyzed', 'failed')),
  risk_score REAL,
  risk_level TEXT CHECK (risk_level IS NULL OR risk_level IN ('critical', 'warning', 'normal', 'false_positive')),
  explanation TEXT,
  report TEXT CHECK (report IS NULL OR json_valid(report)),
  incident_id TEXT REFERENCES incidents(id) ON DELETE SET NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (edge_id, edge_event_key)
) STRICT;
CREATE INDEX events_camera_time ON events(camera_id, started_at);
CREATE INDEX events_time ON events(started_at);
CREATE INDEX events_level ON events(risk_level, started_at);

CREATE TABLE event_objects (
  id TEXT PRIMARY KEY,
  event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  frame_index INTEGER NOT NULL,
  track_id INTEGER,
  class_name TEXT NOT NULL,
  score REAL NOT NULL,
  box TEXT NOT NULL CHECK (json_valid(box))
) STRICT;
CREATE INDEX event_objects_event ON event_objects(event_id);

CREATE TABLE event_findings (
  id TEXT PRIMARY KEY,
  event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  type TEXT NOT NULL,
  score REAL NOT NULL CHECK (score >= 0 AND score <= 1),
  evidence TEXT NOT NULL CHECK (json_valid(evidence))
) STRICT;
CREATE INDEX event_findings_event ON event_findings(event_id);
CREATE INDEX event_findings_type ON event_findings(type);

-- Ciphertext objects in the archive: where they are and whether they got there.
CREATE TABLE archive_objects (
  id TEXT PRIMARY KEY,
  event_id TEXT REFERENCES events(id) ON DELETE SET NULL,
  camera_id TEXT NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('snapshot', 'clip', 'metadata')),
  bucket TEXT NOT NULL,
  key TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'uploading', 'completed', 'failed')),
  spool_path TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (bucket, key)
) STRICT;
CREATE INDEX archive_objects_status ON archive_objects(status);

CREATE TABLE storage_usage (
  camera_id TEXT PRIMARY KEY REFERENCES cameras(id) ON DELETE CASCADE,
  quota_bytes INTEGER,
  used_bytes INTEGER NOT NULL DEFAULT 0,
  object_count INTEGER NOT NULL DEFAULT 0,
  warned_at INTEGER,
  reconciled_at INTEGER
) STRICT;

CREATE TABLE telemetry_samples (
  edge_id TEXT NOT NULL REFERENCES edges(id) ON DELETE CASCADE,
  camera_id TEXT,
  at INTEGER NOT NULL,
  metrics TEXT NOT NULL CHECK (json_valid(metrics))
) STRICT;
CREATE INDEX telemetry_samples_edge_time ON telemetry_samples(edge_id, at);

CREATE TABLE telemetry_rollups (
  edge_id TEXT NOT NULL REFERENCES edges(id) ON DELETE CASCADE,
  camera_id TEXT NOT NULL DEFAULT '',
  bucket_start INTEGER NOT NULL,
  step_seconds INTEGER NOT NULL,
  metrics TEXT NOT NULL CHECK (json_valid(metrics)),
  PRIMARY KEY (edge_id, camera_id, step_seconds, bucket_start)
) STRICT;

CREATE TABLE health_transitions (
  id TEXT PRIMARY KEY,
  subject_type TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('healthy', 'degraded', 'unhealthy')),
  reasons TEXT NOT NULL CHECK (json_valid(reasons)),
  at INTEGER NOT NULL
) STRICT;
CREATE INDEX health_transitions_subject ON health_transitions(subject_type, subject_id, at);

CREATE TABLE feedback (
  id TEXT PRIMARY KEY,
  event_id TEXT REFERENCES events(id) ON DELETE SET NULL,
  camera_id TEXT NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('false_positive', 'confirmed', 'false_negative')),
  comment TEXT,
  created_by TEXT,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE suppression_rules (
  id TEXT PRIMARY KEY,
  camera_id TEXT NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
  class_name TEXT,
  finding_type TEXT,
  region TEXT CHECK (region IS NULL OR json_valid(region)),
  hours TEXT CHECK (hours IS NULL OR json_valid(hours)),
  feedback_id TEXT REFERENCES feedback(id) ON DELETE SET NULL,
  expires_at INTEGER,
  created_at INTEGER NOT NULL
) STRICT;
`;
