import { Type } from '@sinclair/typebox';
import { IdParams, responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { UsageView } from './schemas.js';

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

const Policy = Type.Object(
  {
    quotaBytes: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], { description: 'null: back to the default' }),
    ),
    retentionDays: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1, maximum: 3650 }), Type.Null()], {
        description: 'null: back to the default',
      }),
    ),
  },
  { additionalProperties: false },
);

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
