import { IdParams, responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { UsageView } from '../storage/schemas.js';

export function cameraStorageRoute(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/api/v1/cameras/:id/storage',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['storage'],
        summary: "A camera's archive usage, quota and retention",
        params: IdParams,
        response: responses({ 200: UsageView }),
      },
    },
    async (request) => deps.events.quotas.view(request.params.id),
  );
}
