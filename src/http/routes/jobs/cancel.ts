import { IdParams, responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { JobView } from './schemas.js';

export function cancelJobRoute(app: TypedApp, deps: RouteDeps): void {
  app.post(
    '/api/v1/jobs/:id/cancel',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['jobs'],
        summary: 'Cancel a job: a queued one at once, a running one at its next lease renewal',
        params: IdParams,
        response: responses({ 200: JobView }),
      },
    },
    async (request) => deps.jobs.cancel(request.params.id),
  );
}
