import { Type } from '@sinclair/typebox';
import { responses, StringEnum } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';

const Status = StringEnum(['healthy', 'degraded', 'unhealthy'] as const);
const Reason = Type.Object({ code: Type.String(), message: Type.String() });
const Subject = Type.Object({
  id: Type.String(),
  name: Type.String(),
  status: Status,
  reasons: Type.Array(Reason),
});

export function healthStatusRoute(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/api/v1/health',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['health'],
        summary: 'Health of the system, every active edge and camera, with reasons',
        response: responses({
          200: Type.Object({
            status: Status,
            at: Type.String({ format: 'date-time' }),
            service: Type.Object({ status: Status, reasons: Type.Array(Reason) }),
            edges: Type.Array(Type.Intersect([Subject, Type.Object({ cameras: Type.Array(Subject) })])),
          }),
        }),
      },
    },
    async () => deps.health.evaluate(),
  );
}

const Query = Type.Object(
  {
    subject: Type.String({
      pattern: '^(system|edge|camera):[A-Za-z0-9._-]{1,100}$',
      description: 'e.g. edge:<id>, camera:<id>, system:overall',
    }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  },
  { additionalProperties: false },
);

export function healthTransitionsRoute(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/api/v1/health/transitions',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['health'],
        summary: 'Status changes of one subject, newest first',
        querystring: Query,
        response: responses({
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                status: Status,
                reasons: Type.Array(Reason),
                at: Type.String({ format: 'date-time' }),
              }),
            ),
          }),
        }),
      },
    },
    async (request) => {
      const [type, id] = request.query.subject.split(':') as ['system' | 'edge' | 'camera', string];
      const items = await deps.health.transitions(type, id, request.query.limit ?? 50);
      return {
        items: items.map((t) => ({ status: t.status, reasons: t.reasons, at: new Date(t.at).toISOString() })),
      };
    },
  );
}
