import { Type } from '@sinclair/typebox';
import { isAppError } from '../../../errors/app-error.js';
import { parseRange } from '../../range.js';
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
      const detail = await deps.events.query.get(request.params.id);
      const prefix = `/snapshot-${request.params.n}.`;
      const object = detail.objects.find((o) => o.kind === 'snapshot' && o.key.includes(prefix));
      const size = object?.size ?? 0;
      let range;
      try {
        range = object ? parseRange(request.headers.range, size) : undefined;
      } catch (err) {
        if (isAppError(err) && err.code === 'range_not_satisfiable')
          reply.header('content-range', `bytes */${size}`);
        throw err;
      }
      const etag = object ? `"${object.sha256}"` : undefined;
      if (etag && request.headers['if-none-match'] === etag) return reply.code(304).send(null);
      const read = await deps.events.query.snapshot(request.params.id, request.params.n, range);
      reply
        .header('accept-ranges', 'bytes')
        .header('etag', `"${read.object.sha256}"`)
        .header('content-type', 'application/octet-stream')
        .header('content-disposition', `attachment; filename="${read.object.key.split('/').pop()}"`);
      if (read.range) {
        reply
          .code(206)
          .header('content-range', `bytes ${read.range.start}-${read.range.end}/${read.object.size}`)
          .header('content-length', read.range.end - read.range.start + 1);
      } else {
        reply.header('content-length', read.object.size);
      }
      return reply.send(read.stream);
    },
  );
}
