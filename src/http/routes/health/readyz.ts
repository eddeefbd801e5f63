import { Type } from '@sinclair/typebox';
import type { RouteDeps, TypedApp } from '../deps.js';

const Report = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')]),
  checks: Type.Record(
    Type.String(),
    Type.Object({
      status: Type.Union([Type.Literal('up'), Type.Literal('degraded'), Type.Literal('down')]),
      latencyMs: Type.Number(),
      error: Type.Optional(Type.String({ description: 'Why it is down.' })),
      reason: Type.Optional(
        Type.String({ description: 'What the check saw: why it is degraded, or a note.' }),
      ),
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
        summary:
          'Readiness: dependencies (database, blob store) and self-checks (disk, spool, jobs, workers, WireGuard, detector), each up, degraded or down with its reason; 503 when any is down',
        response: { 200: Report, 503: Report },
      },
    },
    async (_request, reply) => {
      const report = await deps.readiness.report();
      return reply.code(report.status === 'ready' ? 200 : 503).send(report);
    },
  );
}
