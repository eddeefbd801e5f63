import { IdParams, responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { Policy, UsageView } from '../storage/schemas.js';

export function setCameraStorageRoute(app: TypedApp, deps: RouteDeps): void {
  app.patch(
    '/api/v1/cameras/:id/storage',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['storage'],
        summary: "Set a camera's quota and retention",
        params: IdParams,
        body: Policy,
        response: responses({ 200: UsageView }),
      },
    },
    async (request) => deps.events.quotas.setPolicy(request.params.id, request.body),
  );
}
