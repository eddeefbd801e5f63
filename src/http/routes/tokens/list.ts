import { Type } from '@sinclair/typebox';
import { responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { ApiTokenView } from './schemas.js';

export function listTokensRoute(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/api/v1/tokens',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['tokens'],
        summary: 'List API tokens (never their secret part)',
        response: responses({ 200: Type.Object({ items: Type.Array(ApiTokenView) }) }),
      },
    },
    async () => ({ items: await deps.tokens.list() }),
  );
}
