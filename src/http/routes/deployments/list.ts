import { Type } from '@sinclair/typebox';
import { responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { DeploymentView, view } from './schemas.js';

export function listDeploymentsRoute(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/api/v1/deployments',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['models'],
        summary: 'Deployments, newest first',
        querystring: Type.Object(
          {
            status: Type.Optional(Type.String()),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
          },
          { additionalProperties: false },
        ),
        response: responses({ 200: Type.Object({ items: Type.Array(DeploymentView) }) }),
      },
    },
    async (request) => {
      const rows = await deps.models.deployments.list({
        ...(request.query.status ? { status: request.query.status } : {}),
        limit: request.query.limit ?? 50,
      });
      return { items: await Promise.all(rows.map((d) => view(deps, d))) };
    },
  );
}
