import type { FastifyInstance } from 'fastify';
import { AppError } from '../../../errors/app-error.js';
import { openEventStream } from '../../sse.js';
import type { RouteDeps, TypedApp } from '../deps.js';

/**
 * Live updates for event views (the console's list and event page): a `changed` message with the
 * ids of events accepted, archived, analysed, re-scored or deleted since the last one (sent at most
 * four times a second). The client reloads what it shows; the stream carries ids only, so what a
 * token may read is still decided by the ordinary reads. The stream ends when its token is revoked.
 */
export function eventChangesRoute(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/api/v1/events/changes',
    {
      config: { auth: 'viewer', timeout: false },
      schema: {
        tags: ['events'],
        summary: 'Follow changes to events live (text/event-stream: `changed` with `{ ids }`)',
        produces: ['text/event-stream'],
      },
    },
    async (request, reply) => {
      const feed = deps.events.changes;
      if (feed.subscribers >= feed.maxSubscribers)
        throw new AppError('unavailable', `${feed.maxSubscribers} live streams are open already`);
      const stream = openEventStream(app as unknown as FastifyInstance, request, reply, deps.tokens);
      const unsubscribe = feed.subscribe((ids) => stream.send('changed', { ids }));
      if (!unsubscribe) return stream.end();
      stream.onClose(unsubscribe);
    },
  );
}
