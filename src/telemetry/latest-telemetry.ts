export interface LatestEdge {
  at: number;
  cpuPercent: number;
  memoryUsedBytes: number;
  memoryTotalBytes: number;
  diskUsedBytes: number;
  diskTotalBytes: number;
  eventQueueLength: number;
  temperaturesC: Record<string, number>;
  cameras: Map<
    string,
    { online: boolean; fps: number; inferenceLatencyMs: number; triggerRatePerHour: number }
  >;
}

/**
 * The last report of every edge, in memory, so /metrics renders from memory (not one query per
 * edge per scrape). Filled as reports arrive; after a restart it is empty until edges report again
 * (seconds), and the database keeps the history.
 */
export class LatestTelemetry {
  private readonly byEdge = new Map<string, LatestEdge>();

  set(edgeId: string, value: LatestEdge): void {
    this.byEdge.set(edgeId, value);
  }

  forget(edgeId: string): void {
    this.byEdge.delete(edgeId);
  }

  entries(): IterableIterator<[string, LatestEdge]> {
    return this.byEdge.entries();
  }

  get size(): number {
    return this.byEdge.size;
  }
}
