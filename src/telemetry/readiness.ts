import type { ServiceMetrics } from './metrics.js';

export interface DependencyCheck {
  name: string;
  check: () => Promise<void>;
}

export interface DependencyStatus {
  status: 'up' | 'down';
  latencyMs: number;
  error?: string;
}

export interface ReadinessReport {
  status: 'ready' | 'not_ready';
  checks: Record<string, DependencyStatus>;
}

const CHECK_TIMEOUT_MS = 3_000;

/**
 * /readyz: every dependency is checked at once, each with its own timeout, so one hung dependency
 * cannot hide the state of the others. The service starts and serves even when one is down (an
 * unreachable S3 shows here, it does not stop the process).
 */
export class ReadinessService {
  private shuttingDown = false;

  constructor(
    private readonly checks: DependencyCheck[],
    private readonly metrics?: ServiceMetrics,
  ) {}

  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  async report(): Promise<ReadinessReport> {
    const results = await Promise.all(this.checks.map(async (c) => [c.name, await runCheck(c)] as const));
    const checks = Object.fromEntries(results);
    for (const [name, status] of results)
      this.metrics?.dependencyUp.labels(name).set(status.status === 'up' ? 1 : 0);
    if (this.shuttingDown)
      checks['shutdown'] = { status: 'down', latencyMs: 0, error: 'the service is shutting down' };
    const ready = Object.values(checks).every((c) => c.status === 'up');
    return { status: ready ? 'ready' : 'not_ready', checks };
  }
}

async function runCheck(c: DependencyCheck): Promise<DependencyStatus> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      c.check(),
      new Promise(
        (_, reject) =>
          (timer = setTimeout(
            () => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)),
            CHECK_TIMEOUT_MS,
          )),
      ),
    ]);
    return { status: 'up', latencyMs: Math.round(performance.now() - started) };
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
