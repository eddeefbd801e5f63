import type { Worker } from 'node:worker_threads';
import { spawnWorker, workerScript } from '../jobs/worker-pool.js';
import type { Logger } from '../logging/logger.js';
import type { Sqlite } from './database.js';

/** SQLite's default: checkpoint once the WAL holds this many pages. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;

/**
 * Moves WAL checkpoints off the event loop. By default SQLite checkpoints inside the commit that
 * crosses 1,000 WAL pages, on the committing connection: copying ~4 MB into the database file and
 * fsyncing it, in the middle of whatever call made that commit (tens of milliseconds of blocked
 * event loop, seen as the largest latency outliers of the edge API bench). Here the service's
 * connection stops checkpointing, and a worker thread with its own connection runs a PASSIVE
 * checkpoint every `intervalMs`, which never blocks the writer. If the worker dies, the service's
 * connection checkpoints itself again, so the WAL cannot grow without bound.
 */
export class WalCheckpointer {
  private worker: Worker | undefined;

  constructor(
    private readonly sqlite: Sqlite,
    private readonly options: { path: string; intervalMs: number; busyTimeoutMs: number },
    private readonly log: Logger,
  ) {}

  start(): void {
    if (this.worker || this.options.path === ':memory:') return;
    const worker = spawnWorker(workerScript(import.meta.url, 'checkpoint-worker'), {
      workerData: this.options,
    });
    this.sqlite.pragma('wal_autocheckpoint = 0');
    worker.on('message', (m: { kind: string; message?: string }) => {
      if (m.kind === 'error') this.log.warn({ error: m.message }, 'WAL checkpoint failed; retrying');
    });
    worker.on('error', (err) => this.log.error({ err }, 'WAL checkpoint worker failed'));
    worker.on('exit', () => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.sqlite.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
      this.log.warn('WAL checkpoint worker exited; the database connection checkpoints itself again');
    });
    worker.unref();
    this.worker = worker;
  }

  /** Final checkpoint in the worker, then the service's connection checkpoints itself again. */
  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.ref(); // the final checkpoint must finish before the process may exit
    worker.postMessage({ kind: 'stop' });
    await exited;
    this.sqlite.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
  }
}
