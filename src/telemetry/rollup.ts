/** A raw sample of one series (an edge, or one of its cameras). */
export interface SeriesSample {
  seriesId: number;
  at: number;
  metrics: Record<string, unknown>;
}

export interface MetricSummary {
  avg: number;
  min: number;
  max: number;
  count: number;
}

/** One bucket of one series: each numeric metric summarised. */
export interface SeriesBucket {
  seriesId: number;
  bucketStart: number;
  metrics: Record<string, MetricSummary>;
}

/** Numeric leaves of a metrics object as dotted paths: {temperaturesC: {cpu: 51}} -> temperaturesC.cpu. */
export function numericLeaves(metrics: Record<string, unknown>, prefix = ''): [string, number][] {
  return Object.entries(metrics).flatMap(([k, v]): [string, number][] => {
    if (typeof v === 'number' && Number.isFinite(v)) return [[`${prefix}${k}`, v]];
    if (typeof v === 'boolean') return [[`${prefix}${k}`, v ? 1 : 0]];
    if (v && typeof v === 'object' && !Array.isArray(v))
      return numericLeaves(v as Record<string, unknown>, `${prefix}${k}.`);
    return [];
  });
}

/**
 * Downsamples raw samples into fixed buckets of `stepSeconds` per series: for each numeric metric,
 * its average, minimum, maximum and sample count. Booleans (online) count as 0/1, so their average
 * is the share of the bucket they were true.
 */
export function rollUp(samples: SeriesSample[], stepSeconds: number): SeriesBucket[] {
  const stepMs = stepSeconds * 1000;
  const buckets = new Map<string, SeriesBucket>();
  for (const s of samples) {
    const bucketStart = Math.floor(s.at / stepMs) * stepMs;
    const key = `${s.seriesId}:${bucketStart}`;
    let row = buckets.get(key);
    if (!row) {
      row = { seriesId: s.seriesId, bucketStart, metrics: {} };
      buckets.set(key, row);
    }
    for (const [name, value] of numericLeaves(s.metrics)) {
      const m = row.metrics[name];
      if (!m) row.metrics[name] = { avg: value, min: value, max: value, count: 1 };
      else {
        m.avg = (m.avg * m.count + value) / (m.count + 1);
        m.min = Math.min(m.min, value);
        m.max = Math.max(m.max, value);
        m.count++;
      }
    }
  }
  return [...buckets.values()];
}
