import { AppError } from '../errors/app-error.js';
import { newId } from '../db/ids.js';
import type { JobRegistry } from './job-registry.js';
import type { JobRepository, JobRow } from './job-repository.js';
import type { PayloadOf } from './job-types.js';

export interface EnqueueOptions {
  /** While a job with this key and type is queued or running, enqueueing again returns it. */
  dedupeKey?: string;
  priority?: number;
  maxAttempts?: number;
  /** Earliest start, epoch ms. */
  runAt?: number;
}

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export interface JobView {
  id: string;
  type: string;
  status: JobRow['status'];
  payload: unknown;
  attempts: number;
  maxAttempts: number;
  progress: unknown;
  result: unknown;
  lastError: string | null;
  cancelRequested: boolean;
  createdAt: string;
  runAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** The producer side of the queue: what services call to schedule work and to look at it. */
export class JobQueue {
  constructor(
    private readonly repo: JobRepository,
    private readonly registry: JobRegistry,
    private readonly defaults: { maxAttempts: number },
    private readonly now: () => number = Date.now,
  ) {}

  /** A known type's payload is checked against its entry in job-types.ts. */
  async enqueue<T extends string>(
    type: T,
    payload: PayloadOf<T>,
    options: EnqueueOptions = {},
  ): Promise<{ job: JobView; created: boolean }> {
    const definition = this.registry.get(type);
    if (!definition) throw new Error(`no handler registered for job type ${type}`);
    const now = this.now();
    const { row, created } = await this.repo.insertOrGetLive({
      id: newId(),
      type,
      payload: JSON.stringify(payload ?? null),
      priority: options.priority ?? 0,
      dedupeKey: options.dedupeKey ?? null,
      maxAttempts: options.maxAttempts ?? definition.maxAttempts ?? this.defaults.maxAttempts,
      runAt: options.runAt ?? now,
      now,
    });
    return { job: toJobView(row), created };
  }

  async get(id: string): Promise<JobView> {
    const row = await this.repo.get(id);
    if (!row) throw new AppError('not_found', `job ${id} does not exist`);
    return toJobView(row);
  }

  async cancel(id: string): Promise<JobView> {
    const row = await this.repo.requestCancel(id, this.now());
    if (!row) throw new AppError('not_found', `job ${id} does not exist`);
    return toJobView(row);
  }

  async list(filter: {
    type?: string;
    status?: JobRow['status'];
    limit?: number;
    before?: string;
  }): Promise<JobView[]> {
    const rows = await this.repo.list({ ...filter, limit: Math.min(filter.limit ?? 50, 500) });
    return rows.map(toJobView);
  }
}

/** Exponential backoff with full jitter in the upper half, capped: attempt 1 waits ~base. */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + (random() * exp) / 2);
}

export function toJobView(row: JobRow): JobView {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: row.id,
    type: row.type,
    status: row.status,
    payload: JSON.parse(row.payload),
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    progress: row.progress ? JSON.parse(row.progress) : null,
    result: row.result ? JSON.parse(row.result) : null,
    lastError: row.last_error,
    cancelRequested: row.cancel_requested === 1,
    createdAt: new Date(row.created_at).toISOString(),
    runAt: new Date(row.run_at).toISOString(),
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
  };
}
