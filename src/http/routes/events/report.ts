import { IdParams, responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { Report } from './schemas.js';

export function eventReportRoute(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/api/v1/events/:id/report',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['events'],
        summary:
          'How risky the event is and why: risk, level, findings, objects, explanation, incident, models',
        params: IdParams,
        response: responses({ 200: Report }),
      },
    },
    async (request) => deps.analysis.service.report(request.params.id),
  );
}
