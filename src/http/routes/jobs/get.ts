import { IdParams, responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { JobView } from './schemas.js';

export function getJobRoute(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/api/v1/jobs/:id',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['jobs'],
        summary: 'A background job with its status and progress',
        params: IdParams,
        response: responses({ 200: JobView }),
      },
    },
    async (request) => deps.jobs.get(request.params.id),
  );
}
