import { Type } from '@sinclair/typebox';
import { IdParams, responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';

export function unmarkReviewedRoute(app: TypedApp, deps: RouteDeps): void {
  app.delete(
    '/api/v1/events/:id/review',
    {
      config: { auth: 'viewer', callersOwnState: true },
      schema: {
        tags: ['events'],
        summary: "Take the calling token's review mark off the event",
        params: IdParams,
        response: responses({ 204: Type.Null() }),
      },
    },
    async (request, reply) => {
      await deps.events.reviews.unmark(request.principal!.tokenId, request.params.id);
      return reply.code(204).send(null);
    },
  );
}
