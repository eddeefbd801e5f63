import type { RouteDeps, TypedApp } from '../deps.js';

export function metricsRoute(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/metrics',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['health'],
        summary: 'Prometheus metrics (text exposition format)',
        produces: ['text/plain'],
      },
    },
    async (_request, reply) => {
      const { contentType, body } = await deps.metrics.render();
      return reply.type(contentType).send(body);
    },
  );
}
