import { Type } from '@sinclair/typebox';
import { IdParams, responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';

const Reviewed = Type.Object({ eventId: Type.String(), reviewedAt: Type.String({ format: 'date-time' }) });

/** Mark reviewed, per API token: the console's inbox is the caller's events not reviewed yet. */
export function eventReviewRoutes(app: TypedApp, deps: RouteDeps): void {
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

  app.post(
    '/api/v1/events/reviews',
    {
      config: { auth: 'viewer', callersOwnState: true },
      schema: {
        tags: ['events'],
        summary: 'Mark (or unmark) many events reviewed by the calling token; unknown ids are skipped',
        body: Type.Object(
          {
            eventIds: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
              minItems: 1,
              maxItems: 500,
            }),
            reviewed: Type.Boolean({ default: true }),
          },
          { additionalProperties: false },
        ),
        response: responses({ 200: Type.Object({ updated: Type.Integer() }) }),
      },
    },
    async (request) =>
      deps.events.reviews.setMany(request.principal!.tokenId, request.body.eventIds, request.body.reviewed),
  );
}
