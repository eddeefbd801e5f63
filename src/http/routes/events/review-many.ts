import { Type } from '@sinclair/typebox';
import { responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';

export function reviewManyRoute(app: TypedApp, deps: RouteDeps): void {
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
