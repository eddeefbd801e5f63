import { IdParams, responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { BootstrapTokenView } from './schemas.js';

export function revokeBootstrapTokenRoute(app: TypedApp, deps: RouteDeps): void {
  app.delete(
    '/api/v1/bootstrap-tokens/:id',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['edges'],
        summary: 'Revoke a bootstrap token (edges already enrolled with it stay)',
        params: IdParams,
        response: responses({ 200: BootstrapTokenView }),
      },
    },
    async (request) => deps.edges.bootstrapTokens.revoke(request.params.id),
  );
}
