import { Type } from '@sinclair/typebox';
import { IdParams, responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { Report } from './schemas.js';

export function rescoreEventRoute(app: TypedApp, deps: RouteDeps): void {
  app.post(
    '/api/v1/events/:id/rescore',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['events'],
        summary: "Re-evaluate a past event with today's baseline, feedback and rules; shows before and after",
        params: IdParams,
        response: responses({ 200: Type.Object({ before: Type.Unknown(), after: Report }) }),
      },
    },
    async (request) => deps.analysis.service.rescore(request.params.id),
  );
}
