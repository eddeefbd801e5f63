import { Type } from '@sinclair/typebox';
import { IdParams, responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { BaselineView } from './schemas.js';

export function cameraBaselineRoute(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/api/v1/cameras/:id/baseline',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['cameras'],
        summary: "The camera's inventory of normal objects (latest version, or ?version=)",
        params: IdParams,
        querystring: Type.Object(
          { version: Type.Optional(Type.Integer({ minimum: 1 })) },
          { additionalProperties: false },
        ),
        response: responses({ 200: BaselineView }),
      },
    },
    async (request) => deps.baseline.get(request.params.id, request.query.version),
  );
}
