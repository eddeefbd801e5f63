import { Type } from '@sinclair/typebox';
import { responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { Status, Reason, Query } from './schemas.js';

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
