import { Type } from '@sinclair/typebox';
import { responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { Status, Reason, Subject } from './schemas.js';

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
