import { IdParams, responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { ApiTokenView } from './schemas.js';

export function revokeTokenRoute(app: TypedApp, deps: RouteDeps): void {
  app.delete(
    '/api/v1/tokens/:id',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['tokens'],
        summary: 'Revoke an API token (kept for the record, refused from now on)',
        params: IdParams,
        response: responses({ 200: ApiTokenView }),
      },
    },
    async (request) => deps.tokens.revoke(request.params.id),
  );
}
