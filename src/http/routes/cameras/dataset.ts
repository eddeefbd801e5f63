import { Type } from '@sinclair/typebox';
import { IdParams, responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';

export function cameraDatasetRoute(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/api/v1/cameras/:id/dataset',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['cameras'],
        summary:
          'Dataset status of a camera: labelled snapshots and how many normal ones training still needs',
        params: IdParams,
        response: responses({
          200: Type.Object({
            cameraId: Type.String(),
            readiness: Type.String(),
            minNormalSnapshots: Type.Integer(),
            normalSnapshotsMissing: Type.Integer(),
            reportedByEdge: Type.Record(Type.String(), Type.Integer()),
          }),
        }),
      },
    },
    async (request) => deps.edges.cameras.datasetStatus(request.params.id),
  );
}
