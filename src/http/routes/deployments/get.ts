import { IdParams, responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { DeploymentView, view } from './schemas.js';

export function getDeploymentRoute(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/api/v1/deployments/:id',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['models'],
        summary: 'One deployment with each camera state',
        params: IdParams,
        response: responses({ 200: DeploymentView }),
      },
    },
    async (request) => view(deps, await deps.models.deployments.get(request.params.id)),
  );
}
