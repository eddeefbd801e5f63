/**
 * Telemetry storage that scales to hundreds of edges for a day of raw samples (bench/telemetry's
 * benchmark): 0001 kept every sample as a JSON document keyed by edge and camera id text, with an
 * index on (edge_id, at) but none on time alone, so the rollup job and retention scanned the whole
 * table on every run. This one:
 * - one integer series per (edge, camera) (`camera_id` '' is the edge itself), so samples are keyed
 *   by 8 bytes instead of two UUID-sized strings;
 * - raw samples in typed columns, clustered by (series_id, at) in WITHOUT ROWID tables: a series
 *   over time is one range read, a retried report with the same time replaces itself, and no
 *   separate index is needed;
 * - rollups keyed by series with compact metrics ({name: [avg, min, max, count]});
 * - the rollup job keeps a watermark of what it has rolled up (`telemetry_rollup_state`) and the
 *   buckets that late samples touched (`telemetry_rollup_dirty`), so each run reads only new samples.
 * Existing samples and rollups are carried over.
 */
export const up = `
CREATE TABLE telemetry_series (
  -- AUTOINCREMENT: a deleted edge's series id is never reused by another edge.
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  edge_id TEXT NOT NULL REFERENCES edges(id) ON DELETE CASCADE,
  camera_id TEXT NOT NULL DEFAULT '',
  UNIQUE (edge_id, camera_id)
) STRICT;

INSERT INTO telemetry_series (edge_id, camera_id)
  SELECT edge_id, coalesce(camera_id, '') FROM telemetry_samples
  UNION SELECT edge_id, camera_id FROM telemetry_rollups;

CREATE TABLE telemetry_edge_samples (
  series_id INTEGER NOT NULL REFERENCES telemetry_series(id) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  cpu_percent REAL NOT NULL,
  memory_used_bytes INTEGER NOT NULL,
  memory_total_bytes INTEGER NOT NULL,
  disk_used_bytes INTEGER NOT NULL,
  disk_total_bytes INTEGER NOT NULL,
  network_rx_bytes INTEGER NOT NULL,
  network_tx_bytes INTEGER NOT NULL,
  event_queue_length INTEGER NOT NULL,
  -- {sensor: degrees C}; NULL when the edge reports no sensor.
  temperatures_c TEXT CHECK (temperatures_c IS NULL OR json_valid(temperatures_c)),
  software_version TEXT NOT NULL,
  PRIMARY KEY (series_id, at)
) STRICT, WITHOUT ROWID;

INSERT OR REPLACE INTO telemetry_edge_samples
  SELECT s.id, t.at,
    coalesce(json_extract(t.metrics, '$.cpuPercent'), 0),
    coalesce(json_extract(t.metrics, '$.memoryUsedBytes'), 0),
    coalesce(json_extract(t.metrics, '$.memoryTotalBytes'), 0),
    coalesce(json_extract(t.metrics, '$.diskUsedBytes'), 0),
    coalesce(json_extract(t.metrics, '$.diskTotalBytes'), 0),
    coalesce(json_extract(t.metrics, '$.networkRxBytes'), 0),
    coalesce(json_extract(t.metrics, '$.networkTxBytes'), 0),
    coalesce(json_extract(t.metrics, '$.eventQueueLength'), 0),
    nullif(json_extract(t.metrics, '$.temperaturesC'), '{}'),
    coalesce(json_extract(t.metrics, '$.softwareVersion'), '')
  FROM telemetry_samples t
  JOIN telemetry_series s ON s.edge_id = t.edge_id AND s.camera_id = ''
  WHERE t.camera_id IS NULL;

CREATE TABLE telemetry_camera_samples (
  series_id INTEGER NOT NULL REFERENCES telemetry_series(id) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  online INTEGER NOT NULL CHECK (online IN (0, 1)),
  fps REAL NOT NULL,
  last_frame_at INTEGER,
  inference_latency_ms REAL NOT NULL,
  trigger_rate_per_hour REAL NOT NULL,
  model_version TEXT NOT NULL,
  PRIMARY KEY (series_id, at)
) STRICT, WITHOUT ROWID;

INSERT OR REPLACE INTO telemetry_camera_samples
  SELECT s.id, t.at,
    coalesce(json_extract(t.metrics, '$.online'), 0),
    coalesce(json_extract(t.metrics, '$.fps'), 0),
    json_extract(t.metrics, '$.lastFrameAt'),
    coalesce(json_extract(t.metrics, '$.inferenceLatencyMs'), 0),
    coalesce(json_extract(t.metrics, '$.triggerRatePerHour'), 0),
    coalesce(json_extract(t.metrics, '$.modelVersion'), '')
  FROM telemetry_samples t
  JOIN telemetry_series s ON s.edge_id = t.edge_id AND s.camera_id = t.camera_id
  WHERE t.camera_id IS NOT NULL;

CREATE TABLE telemetry_buckets (
  series_id INTEGER NOT NULL REFERENCES telemetry_series(id) ON DELETE CASCADE,
  step_seconds INTEGER NOT NULL,
  bucket_start INTEGER NOT NULL,
  -- {metric: [avg, min, max, count]}
  metrics TEXT NOT NULL CHECK (json_valid(metrics)),
  PRIMARY KEY (series_id, step_seconds, bucket_start)
) STRICT, WITHOUT ROWID;

INSERT INTO telemetry_buckets
  SELECT s.id, r.step_seconds, r.bucket_start,
    (SELECT json_group_object(j.key, json_array(
        json_extract(j.value, '$.avg'), json_extract(j.value, '$.min'),
        json_extract(j.value, '$.max'), json_extract(j.value, '$.count')))
      FROM json_each(r.metrics) j)
  FROM telemetry_rollups r
  JOIN telemetry_series s ON s.edge_id = r.edge_id AND s.camera_id = r.camera_id;

CREATE TABLE telemetry_rollup_state (
  step_seconds INTEGER PRIMARY KEY,
  -- Every sample before this time is in a bucket (late ones through telemetry_rollup_dirty).
  rolled_until INTEGER NOT NULL
) STRICT;

-- 0001's job re-rolled the last two hours on every run; carry its progress over.
INSERT INTO telemetry_rollup_state
  SELECT step_seconds, max(bucket_start) + step_seconds * 1000 FROM telemetry_buckets GROUP BY step_seconds;

CREATE TABLE telemetry_rollup_dirty (
  series_id INTEGER NOT NULL REFERENCES telemetry_series(id) ON DELETE CASCADE,
  bucket_start INTEGER NOT NULL,
  PRIMARY KEY (series_id, bucket_start)
) STRICT, WITHOUT ROWID;

DROP TABLE telemetry_samples;
DROP TABLE telemetry_rollups;
`;
