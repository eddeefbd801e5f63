import { Type } from '@sinclair/typebox';
import { CsvQuery, responses, splitCsv } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { IncidentView } from './schemas.js';

const Query = Type.Object(
  {
    cameras: CsvQuery('camera ids'),
    riskLevels: CsvQuery('critical, warning, normal, false_positive'),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'ended at or after' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'started before' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 100, description: 'nextCursor of the previous page' })),
  },
  { additionalProperties: false },
);

export function listIncidentsRoute(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/api/v1/incidents',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['events'],
        summary:
          "Incidents (bursts of a camera's events shown as one item), newest first, with cursor pagination",
        querystring: Query,
        response: responses({
          200: Type.Object({
            items: Type.Array(IncidentView),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
        }),
      },
    },
    async (request) => {
      const q = request.query;
      return deps.analysis.incidents.list({
        cameraIds: splitCsv(q.cameras),
        riskLevels: splitCsv(q.riskLevels),
        ...(q.from ? { from: Date.parse(q.from) } : {}),
        ...(q.to ? { to: Date.parse(q.to) } : {}),
        ...(q.cursor ? { before: q.cursor } : {}),
        limit: q.limit ?? 50,
      });
    },
  );
}
