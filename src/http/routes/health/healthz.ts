import { Type } from '@sinclair/typebox';
import type { RouteDeps, TypedApp } from '../deps.js';

export function healthzRoute(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/healthz',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['health'],
        summary: 'Liveness: the process is up and serving',
        response: {
          200: Type.Object({
            status: Type.Literal('ok'),
            version: Type.String(),
            uptimeSeconds: Type.Number(),
          }),
        },
      },
    },
    async () => ({
      status: 'ok' as const,
      version: deps.version,
      uptimeSeconds: Math.round(process.uptime()),
    }),
  );
}
