import { get, type GetResult } from '../api';
import { useLoad } from '../use-load';

type Telemetry = GetResult<'/api/v1/telemetry/edges/{id}'>;

/** What is charted, in this order: the edge's own (camera '') and each camera's. */
const CHARTED: Record<string, { label: string; unit: string }> = {
  cpuPercent: { label: 'CPU', unit: '%' },
  memoryPercent: { label: 'memory', unit: '%' },
  eventQueueLength: { label: 'event queue', unit: '' },
  fps: { label: 'fps', unit: '' },
  inferenceLatencyMs: { label: 'inference', unit: 'ms' },
  triggerRatePerHour: { label: 'triggers', unit: '/h' },
};

/** Numeric values of one sample (or a rollup's averages), with memory as a share and temperatures flattened. */
function values(metrics: Record<string, unknown>): Record<string, number> {
  const v = (x: unknown) =>
    typeof x === 'number'
      ? x
      : x && typeof x === 'object' && 'avg' in x
        ? (x as { avg: number }).avg
        : undefined;
  const out: Record<string, number> = {};
  for (const [k, raw] of Object.entries(metrics)) {
    const n = v(raw);
    if (n !== undefined) out[k] = n;
    else if (k === 'temperaturesC' && raw && typeof raw === 'object')
      for (const [sensor, t] of Object.entries(raw as Record<string, unknown>)) {
        const c = v(t);
        if (c !== undefined) out[`temperature ${sensor}`] = c;
      }
  }
  if (out.memoryUsedBytes !== undefined && out.memoryTotalBytes)
    out.memoryPercent = (100 * out.memoryUsedBytes) / out.memoryTotalBytes;
  return out;
}

function seriesOf(t: Telemetry): Map<string, { at: number; value: number }[]> {
  const points =
    t.source === 'raw'
      ? t.samples.map((s) => ({ cameraId: s.cameraId, at: Date.parse(s.at), metrics: s.metrics }))
      : t.rollups.map((r) => ({ cameraId: r.cameraId, at: Date.parse(r.bucketStart), metrics: r.metrics }));
  const out = new Map<string, { at: number; value: number }[]>();
  for (const p of points.sort((a, b) => a.at - b.at))
    for (const [k, value] of Object.entries(values(p.metrics as Record<string, unknown>))) {
      if (!(k in CHARTED) && !k.startsWith('temperature ')) continue;
      const key = `${p.cameraId}\u0000${k}`;
      out.set(key, [...(out.get(key) ?? []), { at: p.at, value }]);
    }
  return out;
}

function Sparkline({ points }: { points: { at: number; value: number }[] }) {
  const w = 140;
  const h = 32;
  const t0 = points[0]!.at;
  const span = Math.max(1, points[points.length - 1]!.at - t0);
  const min = Math.min(...points.map((p) => p.value));
  const max = Math.max(...points.map((p) => p.value));
  const xy = points
    .map(
      (p) =>
        `${((p.at - t0) / span) * (w - 4) + 2},${h - 2 - ((p.value - min) / (max - min || 1)) * (h - 4)}`,
    )
    .join(' ');
  return (
    <svg viewBox={`0 0 ${w} ${h}`} class="sparkline" aria-hidden="true">
      <polyline points={xy} fill="none" stroke="#2563eb" stroke-width="1.5" />
    </svg>
  );
}

/** The last hour of an edge's telemetry as small charts with their latest values. */
export function TelemetryCharts({ edgeId }: { edgeId: string }) {
  const { data } = useLoad(
    () => get('/api/v1/telemetry/edges/{id}', { id: edgeId }, { step: '10' }),
    [edgeId],
  );
  if (!data) return null;
  const series = [...seriesOf(data)].sort(([a], [b]) => a.localeCompare(b));
  if (series.length === 0) return <p class="meta">No telemetry in the last hour.</p>;
  return (
    <ul class="telemetry" aria-label="telemetry, last hour">
      {series.map(([key, points]) => {
        const [camera, metric] = key.split('\u0000') as [string, string];
        const info = CHARTED[metric] ?? { label: metric, unit: '°C' };
        const last = points[points.length - 1]!.value;
        return (
          <li data-metric={metric}>
            <span class="meta">
              {camera ? `${camera} ` : ''}
              {info.label}{' '}
              <strong>
                {Math.round(last * 10) / 10}
                {info.unit}
              </strong>
            </span>
            {points.length > 1 && <Sparkline points={points} />}
          </li>
        );
      })}
    </ul>
  );
}
