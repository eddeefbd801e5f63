import { Type } from '@sinclair/typebox';
import { responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { ModelView } from './schemas.js';

export function listModelsRoute(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/api/v1/models',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['models'],
        summary: 'Model versions, newest first',
        querystring: Type.Object(
          {
            cameraId: Type.Optional(Type.String()),
            kind: Type.Optional(Type.String()),
            status: Type.Optional(Type.String()),
          },
          { additionalProperties: false },
        ),
        response: responses({ 200: Type.Object({ items: Type.Array(ModelView) }) }),
      },
    },
    async (request) => ({ items: await deps.models.catalog.list(request.query) }),
  );
}
