import type { LatestEdge, LatestTelemetry } from '../telemetry/latest-telemetry.js';
import type { ServiceMetrics } from './metrics.js';

/**
 * Edge and camera gauges for Prometheus, read at scrape time from the in-memory latest reports.
 * Label sets are bounded by the deployment: one series per edge (or camera, or edge and sensor).
 */
export function registerEdgeMetrics(metrics: ServiceMetrics, latest: LatestTelemetry): void {
  const edgeGauge = (name: string, help: string, value: (e: LatestEdge) => number) =>
    metrics.gauge(name, help, ['edge'], (g) => {
      for (const [edgeId, e] of latest.entries()) g.labels(edgeId).set(value(e));
    });
  edgeGauge(
    'uservm_edge_cpu_ratio',
    'Edge CPU use, 0..1, from its last telemetry report.',
    (e) => e.cpuPercent / 100,
  );
  edgeGauge('uservm_edge_memory_used_bytes', 'Edge memory in use.', (e) => e.memoryUsedBytes);
  edgeGauge('uservm_edge_disk_used_bytes', 'Edge disk in use.', (e) => e.diskUsedBytes);
  edgeGauge('uservm_edge_disk_size_bytes', 'Edge disk size.', (e) => e.diskTotalBytes);
  edgeGauge(
    'uservm_edge_event_queue_length',
    'Events waiting on the edge to be uploaded.',
    (e) => e.eventQueueLength,
  );
  edgeGauge(
    'uservm_edge_last_report_timestamp_seconds',
    'When the edge last reported telemetry.',
    (e) => e.at / 1000,
  );
  metrics.gauge(
    'uservm_edge_temperature_celsius',
    'Edge temperatures by sensor.',
    ['edge', 'sensor'],
    (g) => {
      for (const [edgeId, e] of latest.entries())
        for (const [sensor, c] of Object.entries(e.temperaturesC)) g.labels(edgeId, sensor).set(c);
    },
  );
  type CameraLatest = LatestEdge['cameras'] extends Map<string, infer C> ? C : never;
  const cameraGauge = (name: string, help: string, pick: (c: CameraLatest) => number) =>
    metrics.gauge(name, help, ['edge', 'camera'], (g) => {
      for (const [edgeId, e] of latest.entries())
        for (const [cameraId, c] of e.cameras) g.labels(edgeId, cameraId).set(pick(c));
    });
  cameraGauge(
    'uservm_camera_up',
    'Whether the camera delivers frames (1) or not (0), as its edge last reported.',
    (c) => (c.online ? 1 : 0),
  );
  cameraGauge('uservm_camera_fps', 'Camera frame rate.', (c) => c.fps);
  cameraGauge(
    'uservm_camera_inference_latency_seconds',
    'Edge model inference latency on this camera.',
    (c) => c.inferenceLatencyMs / 1000,
  );
  cameraGauge(
    'uservm_camera_trigger_rate_per_hour',
    'Local model triggers per hour on this camera.',
    (c) => c.triggerRatePerHour,
  );
}
