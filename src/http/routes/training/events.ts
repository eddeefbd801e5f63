import type { FastifyInstance } from 'fastify';
import { IdParams } from '../../schemas.js';
import { openEventStream } from '../../sse.js';
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
      const stream = openEventStream(app as unknown as FastifyInstance, request, reply, deps.tokens);
      const send = stream.send;
      for (const e of await deps.ml.training.epochs(id)) send('epoch', e);
      if (job.status !== 'queued' && job.status !== 'running') {
        send('done', { status: job.status, modelId: job.modelId, error: job.error });
        stream.end();
        return;
      }
      const unsubscribe = deps.ml.training.hub.subscribe(id, (event) => {
        send(event.type, event.data);
        if (event.type === 'done') {
          unsubscribe();
          stream.end();
        }
      });
      stream.onClose(unsubscribe);
    },
  );
}
