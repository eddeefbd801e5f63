import { Type } from '@sinclair/typebox';
import { responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { BootstrapTokenView } from './schemas.js';

export function listBootstrapTokensRoute(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/api/v1/bootstrap-tokens',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['edges'],
        summary: 'List bootstrap tokens with their state and uses',
        response: responses({ 200: Type.Object({ items: Type.Array(BootstrapTokenView) }) }),
      },
    },
    async () => ({ items: await deps.edges.bootstrapTokens.list() }),
  );
}
