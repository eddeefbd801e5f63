import { Type } from '@sinclair/typebox';
import type { RouteDeps, TypedApp } from '../deps.js';

const Report = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')]),
  checks: Type.Record(
    Type.String(),
    Type.Object({
      status: Type.Union([Type.Literal('up'), Type.Literal('down')]),
      latencyMs: Type.Number(),
      error: Type.Optional(Type.String()),
    }),
  ),
});

export function readyzRoute(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/readyz',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['health'],
        summary: 'Readiness: database and blob store reachable, with the status of each',
        response: { 200: Report, 503: Report },
      },
    },
    async (_request, reply) => {
      const report = await deps.readiness.report();
      return reply.code(report.status === 'ready' ? 200 : 503).send(report);
    },
  );
}
