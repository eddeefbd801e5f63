import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The service's Prometheus registry. One per process, built at composition (no global registry,
 * so tests can build several apps). Names follow Prometheus conventions (`uservm_` namespace,
 * base units, `_total` counters) so `promtool check metrics` is clean. Label sets are bounded:
 * routes are templates (`/api/v1/jobs/:id`), never raw URLs.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  readonly jobRuns: Counter<'type' | 'outcome'>;
  readonly grpcDuration: Histogram<'service' | 'method' | 'code'>;
  readonly jobDuration: Histogram<'type'>;
  readonly dependencyUp: Gauge<'dependency'>;
  readonly checkStatus: Gauge<'check'>;
  readonly analysisDuration: Histogram<'outcome'>;

  constructor(version: string) {
    collectDefaultMetrics({ register: this.registry });
    // These three are gauges named like counters, which `promtool check metrics` rejects; their
    // per-type siblings (nodejs_active_handles{type}, ...) carry the same numbers.
    for (const name of [
      'nodejs_active_handles_total',
      'nodejs_active_requests_total',
      'nodejs_active_resources_total',
    ]) {
      this.registry.removeSingleMetric(name);
    }
    new Gauge({
      name: 'uservm_build_info',
      help: 'Build information; always 1.',
      labelNames: ['version', 'node_version'],
      registers: [this.registry],
    })
      .labels(version, process.version)
      .set(1);
    this.httpDuration = new Histogram({
      name: 'uservm_http_request_duration_seconds',
      help: 'REST API request duration by route template and status code.',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    this.grpcDuration = new Histogram({
      name: 'uservm_grpc_request_duration_seconds',
      help: 'Edge gRPC API call duration by service, method and status code.',
      labelNames: ['service', 'method', 'code'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers: [this.registry],
    });
    this.jobRuns = new Counter({
      name: 'uservm_job_runs_total',
      help: 'Job executions by type and outcome (succeeded, retrying, dead, cancelled, released, lost).',
      labelNames: ['type', 'outcome'],
      registers: [this.registry],
    });
    this.jobDuration = new Histogram({
      name: 'uservm_job_duration_seconds',
      help: 'Job execution time by type.',
      labelNames: ['type'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 1800],
      registers: [this.registry],
    });
    this.checkStatus = new Gauge({
      name: 'uservm_check_status',
      help: 'Last result of each readiness and self-health check: 0 up, 1 degraded, 2 down.',
      labelNames: ['check'],
      registers: [this.registry],
    });
    this.dependencyUp = new Gauge({
      name: 'uservm_dependency_up',
      help: 'Whether a dependency answered its last readiness check (1) or not (0).',
      labelNames: ['dependency'],
      registers: [this.registry],
    });
    this.analysisDuration = new Histogram({
      name: 'uservm_event_analysis_seconds',
      help: 'Time from accepting an event to its report (queueing included), by outcome.',
      labelNames: ['outcome'],
      buckets: [0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
      registers: [this.registry],
    });
  }

  /** A gauge whose value is read at scrape time (queue depths, pool sizes). */
  gauge<L extends string>(
    name: string,
    help: string,
    labelNames: L[],
    collect: (g: Gauge<L>) => void | Promise<void>,
  ): Gauge<L> {
    return new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        this.reset();
        await collect(this);
      },
    });
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
