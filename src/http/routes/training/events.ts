import { IdParams } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';

/**
 * Server-sent events for a training job: `stage`, one `epoch` per finished epoch (so a UI can
 * draw the loss curve as it grows; epochs already run are replayed first) and a final `done`.
 */
export function trainingEventsRoute(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/api/v1/training-jobs/:id/events',
    {
      config: { auth: 'viewer', timeout: false },
      schema: {
        tags: ['training'],
        summary: 'Follow a training job live (text/event-stream)',
        params: IdParams,
      },
    },
    async (request, reply) => {
      const id = request.params.id;
      const job = await deps.ml.training.get(id);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
      const send = (type: string, data: unknown) =>
        res.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
      for (const e of await deps.ml.training.epochs(id)) send('epoch', e);
      if (job.status !== 'queued' && job.status !== 'running') {
        send('done', { status: job.status, modelId: job.modelId, error: job.error });
        res.end();
        return;
      }
      const unsubscribe = deps.ml.training.hub.subscribe(id, (event) => {
        send(event.type, event.data);
        if (event.type === 'done') {
          unsubscribe();
          res.end();
        }
      });
      const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
      res.on('close', () => {
        clearInterval(keepAlive);
        unsubscribe();
      });
    },
  );
}
