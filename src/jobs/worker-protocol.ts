import { parentPort } from 'node:worker_threads';

export interface WorkerRequest {
  id: number;
  task: string;
  payload: unknown;
}

export type WorkerReply =
  | { kind: 'result'; id: number; result: unknown }
  | {
      kind: 'error';
      id: number;
      error: {
        name: string;
        message: string;
        stack?: string;
        appCode?: string;
        details?: Record<string, unknown>;
      };
    }
  | { kind: 'progress'; id: number; progress: unknown };

export type WorkerTask = (payload: never, ctx: { progress(p: unknown): void }) => unknown | Promise<unknown>;

/** Called once by a worker module: answers the pool's requests with the named tasks. */
export function serveWorkerTasks(tasks: Record<string, WorkerTask>): void {
  if (!parentPort) throw new Error('serveWorkerTasks must run in a worker thread');
  const port = parentPort;
  port.on('message', async (req: WorkerRequest) => {
    const task = tasks[req.task];
    try {
      if (!task) throw new Error(`unknown worker task ${req.task}`);
      const result = await task(req.payload as never, {
        progress: (p) =>
          port.postMessage({ kind: 'progress', id: req.id, progress: p } satisfies WorkerReply),
      });
      port.postMessage({ kind: 'result', id: req.id, result } satisfies WorkerReply);
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      // AppErrors keep their catalogue code across the thread boundary (the pool rebuilds them).
      const app = err as { code?: unknown; httpStatus?: unknown; details?: Record<string, unknown> };
      const appCode =
        typeof app.code === 'string' && typeof app.httpStatus === 'number' ? app.code : undefined;
      port.postMessage({
        kind: 'error',
        id: req.id,
        error: {
          name: e.name,
          message: e.message,
          ...(e.stack ? { stack: e.stack } : {}),
          ...(appCode ? { appCode, ...(app.details ? { details: app.details } : {}) } : {}),
        },
      } satisfies WorkerReply);
    }
  });
}
