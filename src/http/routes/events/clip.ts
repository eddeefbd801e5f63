import { Type } from '@sinclair/typebox';
import { AppError } from '../../../errors/app-error.js';
import { sendArchivedObject } from '../../send-archived-object.js';
import { IdParams, responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';

export function eventClipRoute(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/api/v1/events/:id/clip',
    {
      config: { auth: 'viewer', timeout: false },
      schema: {
        tags: ['events'],
        summary:
          'The event clip exactly as the edge encrypted it (age); supports Range for seeking, constant memory',
        params: IdParams,
        produces: ['application/octet-stream'],
        response: {
          ...responses({ 200: Type.Any(), 206: Type.Any(), 304: Type.Null() }),
          416: Type.Ref('ErrorBody'),
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      await deps.events.query.get(id);
      const object = await deps.events.query.describe(id, 'clip');
      if (!object) throw new AppError('not_found', `event ${id} has no clip`);
      return sendArchivedObject(request, reply, object, (range) => deps.events.query.clip(id, range));
    },
  );
}
