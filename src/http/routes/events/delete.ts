import { Type } from '@sinclair/typebox';
import { IdParams, responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';

export function deleteEventRoute(app: TypedApp, deps: RouteDeps): void {
  app.delete(
    '/api/v1/events/:id',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['events'],
        summary: 'Delete an event and its archived objects',
        params: IdParams,
        response: responses({ 204: Type.Null() }),
      },
    },
    async (request, reply) => {
      await deps.events.query.delete(request.params.id);
      return reply.code(204).send(null);
    },
  );
}
