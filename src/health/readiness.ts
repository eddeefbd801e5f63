import type { ServiceMetrics } from '../metrics/metrics.js';

/** What a check found: `degraded` is still ready (with a reason); a thrown error is `down`. */
export interface CheckOutcome {
  status: 'up' | 'degraded' | 'down';
  reason?: string;
}

export interface DependencyCheck {
  name: string;
  check: () => Promise<void | CheckOutcome>;
}

export interface DependencyStatus {
  status: 'up' | 'degraded' | 'down';
  latencyMs: number;
  /** Why it is down. */
  error?: string;
  /** What the check saw (why it is degraded, or a note when up). */
  reason?: string;
}

export interface ReadinessReport {
  status: 'ready' | 'not_ready';
  checks: Record<string, DependencyStatus>;
}

const CHECK_TIMEOUT_MS = 3_000;

const STATUS_VALUE = { up: 0, degraded: 1, down: 2 } as const;

/**
 * /readyz: every dependency and self-check is checked at once, each with its own timeout, so one hung dependency
 * cannot hide the state of the others. The service starts and serves even when one is down (an
 * unreachable S3 shows here, it does not stop the process).
 */
export class ReadinessService {
  private shuttingDown = false;

  constructor(
    private readonly checks: DependencyCheck[],
    private readonly metrics?: ServiceMetrics,
  ) {}

  /** Checks on parts composed after readiness itself (the self-checks). */
  add(checks: DependencyCheck[]): void {
    this.checks.push(...checks);
  }

  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  async report(): Promise<ReadinessReport> {
    const results = await Promise.all(this.checks.map(async (c) => [c.name, await runCheck(c)] as const));
    const checks = Object.fromEntries(results);
    for (const [name, status] of results) {
      this.metrics?.dependencyUp.labels(name).set(status.status === 'down' ? 0 : 1);
      this.metrics?.checkStatus.labels(name).set(STATUS_VALUE[status.status]);
    }
    if (this.shuttingDown)
      checks['shutdown'] = { status: 'down', latencyMs: 0, error: 'the service is shutting down' };
    const ready = Object.values(checks).every((c) => c.status !== 'down');
    return { status: ready ? 'ready' : 'not_ready', checks };
  }
}

async function runCheck(c: DependencyCheck): Promise<DependencyStatus> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const outcome = await Promise.race([
      c.check(),
      new Promise<never>(
        (_, reject) =>
          (timer = setTimeout(
            () => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)),
            CHECK_TIMEOUT_MS,
          )),
      ),
    ]);
    const latencyMs = Math.round(performance.now() - started);
    if (!outcome) return { status: 'up', latencyMs };
    if (outcome.status === 'down')
      return { status: 'down', latencyMs, ...(outcome.reason ? { error: outcome.reason } : {}) };
    return { status: outcome.status, latencyMs, ...(outcome.reason ? { reason: outcome.reason } : {}) };
  } catch (err) {
    return {
      status: 'down',
      latencyMs: Math.round(performance.now() - started),
      error: (err as Error).message,
    };
  } finally {
    clearTimeout(timer);
  }
}
