import type { Logger } from '../logging/logger.js';

export interface JobProgress {
  /** 0..1 when known. */
  fraction?: number;
  message?: string;
  /** Anything else a UI may draw, e.g. epoch and loss for training. */
  [key: string]: unknown;
}

export interface JobContext<P> {
  id: string;
  type: string;
  payload: P;
  /** 1 on the first try. */
  attempt: number;
  maxAttempts: number;
  /** Aborted on cancel, on shutdown past its deadline, or when the lease is lost. */
  signal: AbortSignal;
  /** Persisted (throttled) so the API can show it. */
  reportProgress(progress: JobProgress): void;
  log: Logger;
}

export type JobHandler<P = unknown, R = unknown> = (ctx: JobContext<P>) => Promise<R>;

export interface JobDefinition<P = unknown, R = unknown> {
  type: string;
  handler: JobHandler<P, R>;
  maxAttempts?: number;
  /**
   * Called when the job is buried without its handler running to the end (its runner stopped
   * under it `jobs.maxInterruptions` times), so the thing it worked on can say why.
   */
  onBuried?: (payload: P, reason: string) => Promise<void>;
}

/** Thrown by a handler for a failure that retrying cannot fix: the job goes straight to dead. */
export class PermanentJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}

/**
 * Job types and their handlers. Every capability registers its types at composition; the service
 * refuses to start if a declared type, or a type still waiting in the database, has no handler,
 * because such jobs would otherwise sit in the queue forever.
 */
export class JobRegistry {
  private readonly definitions = new Map<string, JobDefinition>();

  register<P, R>(definition: JobDefinition<P, R>): void {
    if (!/^[a-z][a-z0-9_.-]{0,63}$/.test(definition.type))
      throw new Error(`invalid job type name ${JSON.stringify(definition.type)}`);
    if (this.definitions.has(definition.type))
      throw new Error(`job type ${definition.type} registered twice`);
    this.definitions.set(definition.type, definition as JobDefinition);
  }

  get(type: string): JobDefinition | undefined {
    return this.definitions.get(type);
  }

  has(type: string): boolean {
    return this.definitions.has(type);
  }

  types(): string[] {
    return [...this.definitions.keys()];
  }

  /** Throws, listing every type that has no handler. */
  assertHandled(types: Iterable<string>, context: string): void {
    const missing = [...new Set(types)].filter((t) => !this.definitions.has(t));
    if (missing.length > 0)
      throw new Error(`job types without a handler (${context}): ${missing.join(', ')}`);
  }
}
