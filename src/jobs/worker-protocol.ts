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

/** The pool's request to release native resources and exit (before it terminates the thread). */
export const CLOSE_TASK = '__close';

/**
 * Called once by a worker module: answers the pool's requests with the named tasks. `onClose`
 * releases what the worker holds (onnxruntime sessions abort the process if a thread holding them
 * is terminated), then the thread exits on its own.
 */
export function serveWorkerTasks(
  tasks: Record<string, WorkerTask>,
  onClose: () => Promise<void> | void = () => undefined,
): void {
  if (!parentPort) throw new Error('serveWorkerTasks must run in a worker thread');
  const port = parentPort;
  // Tasks in flight: a native call (an onnxruntime run) must finish before the thread goes away.
  const running = new Set<Promise<unknown>>();
  port.on('message', async (req: WorkerRequest) => {
    if (req.task === CLOSE_TASK) {
      await Promise.allSettled([...running]);
      await Promise.resolve(onClose()).catch(() => undefined);
      port.close();
      return;
    }
    let done!: () => void;
    const flight = new Promise<void>((r) => (done = r));
    running.add(flight);
    try {
      await answer(req);
    } finally {
      running.delete(flight);
      done();
    }
  });

  async function answer(req: WorkerRequest): Promise<void> {
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
  }
}
