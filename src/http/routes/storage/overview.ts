import { Type } from '@sinclair/typebox';
import { responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { UsageView } from './schemas.js';

export function storageOverviewRoute(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/api/v1/storage',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['storage'],
        summary: 'Archive usage per camera against its quota, and in total',
        response: responses({
          200: Type.Object({
            totalUsedBytes: Type.Integer(),
            maxTotalBytes: Type.Union([Type.Integer(), Type.Null()]),
            cameras: Type.Array(UsageView),
          }),
        }),
      },
    },
    async () => {
      const cameras = await deps.events.quotas.all();
      return {
        totalUsedBytes: cameras.reduce((n, c) => n + c.usedBytes, 0),
        maxTotalBytes: deps.maxTotalBytes ?? null,
        cameras,
      };
    },
  );
}
