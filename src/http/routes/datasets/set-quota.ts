import { Type } from '@sinclair/typebox';
import { IdParams, responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { DatasetView } from './schemas.js';

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
