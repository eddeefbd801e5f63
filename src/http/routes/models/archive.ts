import { Type } from '@sinclair/typebox';
import { actor, IdParams, responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { ModelView } from './schemas.js';

export function archiveModelRoute(app: TypedApp, deps: RouteDeps): void {
  app.post(
    '/api/v1/models/:id/archive',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['models'],
        summary: 'Archive a version (refused while deployed)',
        params: IdParams,
        response: responses({ 200: ModelView, 409: Type.Ref('ErrorBody') }),
      },
    },
    async (request) => deps.models.catalog.archive(request.params.id, actor(request.principal)),
  );
}
