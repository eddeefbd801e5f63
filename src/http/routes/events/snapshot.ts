import { Type } from '@sinclair/typebox';
import { AppError } from '../../../errors/app-error.js';
import { sendArchivedObject } from '../../send-archived-object.js';
import { responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';

const Params = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 100 }),
  n: Type.Integer({ minimum: 0, maximum: 1000 }),
});

export function eventSnapshotRoute(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/api/v1/events/:id/snapshots/:n',
    {
      config: { auth: 'viewer', timeout: false },
      schema: {
        tags: ['events'],
        summary:
          'The n-th event frame, age-encrypted to the owner (decrypt with `age -d -i owner.key`); supports Range',
        params: Params,
        produces: ['application/octet-stream'],
        response: {
          ...responses({ 200: Type.Any(), 206: Type.Any(), 304: Type.Null() }),
          416: Type.Ref('ErrorBody'),
        },
      },
    },
    async (request, reply) => {
      const { id, n } = request.params;
      await deps.events.query.get(id); // 404 for an unknown event
      const object = await deps.events.query.describe(id, 'snapshot', n);
      if (!object) throw new AppError('not_found', `event ${id} has no snapshot ${n}`);
      return sendArchivedObject(request, reply, object, (range) => deps.events.query.snapshot(id, n, range));
    },
  );
}
