import { Type } from '@sinclair/typebox';
import { IdParams, responses } from '../../schemas.js';
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

export function setDatasetQuotaRoute(app: TypedApp, deps: RouteDeps): void {
  app.put(
    '/api/v1/datasets/:id/quota',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['datasets'],
        summary: "Set a dataset's storage quota (null: the configured default)",
        params: IdParams,
        body: Type.Object(
          { quotaBytes: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]) },
          { additionalProperties: false },
        ),
        response: responses({ 200: DatasetView }),
      },
    },
    async (request) => deps.ml.datasets.setQuota(request.params.id, request.body.quotaBytes),
  );
}

export function deleteDatasetRoute(app: TypedApp, deps: RouteDeps): void {
  app.delete(
    '/api/v1/datasets/:id',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['datasets'],
        summary: 'Delete a dataset and its images',
        params: IdParams,
        response: responses({ 204: Type.Null() }),
      },
    },
    async (request, reply) => {
      await deps.ml.datasets.delete(request.params.id);
      return reply.code(204).send(null);
    },
  );
}
