import { IdParams, responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { Reviewed } from './schemas.js';

export function markReviewedRoute(app: TypedApp, deps: RouteDeps): void {
  app.put(
    '/api/v1/events/:id/review',
    {
      config: { auth: 'viewer', callersOwnState: true },
      schema: {
        tags: ['events'],
        summary: 'Mark the event reviewed by the calling token (idempotent: keeps the first time)',
        params: IdParams,
        response: responses({ 200: Reviewed }),
      },
    },
    async (request) => deps.events.reviews.mark(request.principal!.tokenId, request.params.id),
  );
}
