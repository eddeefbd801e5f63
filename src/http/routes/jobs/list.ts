import { Type } from '@sinclair/typebox';
import { responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { JobStatus, JobView } from './schemas.js';

const Query = Type.Object(
  {
    type: Type.Optional(Type.String({ maxLength: 64 })),
    status: Type.Optional(JobStatus),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    before: Type.Optional(Type.String({ description: 'Cursor: the nextCursor of the previous page.' })),
  },
  { additionalProperties: false },
);

export function listJobsRoute(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/api/v1/jobs',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['jobs'],
        summary: 'Background jobs, newest first, with cursor pagination',
        querystring: Query,
        response: responses({
          200: Type.Object({
            items: Type.Array(JobView),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
        }),
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 50;
      const items = await deps.jobs.list({ ...request.query, limit });
      return { items, nextCursor: items.length === limit ? items[items.length - 1]!.id : null };
    },
  );
}
