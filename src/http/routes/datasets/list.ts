import { Type } from '@sinclair/typebox';
import { responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { DatasetView } from './schemas.js';

export function listDatasetsRoute(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/api/v1/datasets',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['datasets'],
        summary: 'Labelled snapshot datasets, optionally of one camera',
        querystring: Type.Object(
          { cameraId: Type.Optional(Type.String({ maxLength: 100 })) },
          { additionalProperties: false },
        ),
        response: responses({ 200: Type.Object({ items: Type.Array(DatasetView) }) }),
      },
    },
    async (request) => ({
      items: await deps.ml.datasets.list({
        ...(request.query.cameraId ? { cameraId: request.query.cameraId } : {}),
      }),
    }),
  );
}
