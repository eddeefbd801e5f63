import { Type } from '@sinclair/typebox';
import { IdParams, responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { EventView } from '../events/schemas.js';
import { IncidentView } from './schemas.js';

export function getIncidentRoute(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/api/v1/incidents/:id',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['events'],
        summary: 'One incident with its events, oldest first',
        params: IdParams,
        response: responses({
          200: Type.Intersect([IncidentView, Type.Object({ events: Type.Array(EventView) })]),
        }),
      },
    },
    async (request) => deps.analysis.incidents.get(request.params.id, request.principal!.tokenId),
  );
}
