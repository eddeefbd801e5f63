import { Type } from '@sinclair/typebox';
import { responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { DatasetView } from './schemas.js';

export function createDatasetRoute(app: TypedApp, deps: RouteDeps): void {
  app.post(
    '/api/v1/datasets',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['datasets'],
        summary: 'Create a named dataset for a camera (edges upload into its "default" dataset)',
        body: Type.Object(
          {
            cameraId: Type.String({ minLength: 1, maxLength: 100 }),
            name: Type.String({ minLength: 1, maxLength: 64 }),
          },
          { additionalProperties: false },
        ),
        response: responses({ 201: DatasetView }),
      },
    },
    async (request, reply) => {
      const row = await deps.ml.datasets.create(request.body.cameraId, request.body.name);
      return reply.code(201).send(await deps.ml.datasets.view(row.id));
    },
  );
}
