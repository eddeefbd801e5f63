import { Type } from '@sinclair/typebox';
import { IdParams, responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { EventView } from './schemas.js';

export function getEventRoute(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/api/v1/events/:id',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['events'],
        summary: 'One event with its archived objects and their upload status',
        params: IdParams,
        response: responses({
          200: Type.Intersect([
            EventView,
            Type.Object({
              objects: Type.Array(
                Type.Object({
                  kind: Type.String(),
                  key: Type.String(),
                  size: Type.Integer(),
                  sha256: Type.String(),
                  status: Type.String(),
                  bucket: Type.String(),
                }),
              ),
            }),
          ]),
        }),
      },
    },
    async (request) => deps.events.query.get(request.params.id, request.principal!.tokenId),
  );
}
