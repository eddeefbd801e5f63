import { Type } from '@sinclair/typebox';
import { responses, StringEnum } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';

export function listAuditRoute(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/api/v1/audit',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['models'],
        summary: 'Who changed what and why: models, deployments and camera assignments',
        querystring: Type.Object(
          {
            subjectType: Type.Optional(StringEnum(['model', 'deployment', 'camera'] as const)),
            subjectId: Type.Optional(Type.String()),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
          },
          { additionalProperties: false },
        ),
        response: responses({ 200: Type.Object({ items: Type.Array(Type.Unknown()) }) }),
      },
    },
    async (request) => ({ items: await deps.models.audit.list(request.query) }),
  );
}
