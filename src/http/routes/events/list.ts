import { Type } from '@sinclair/typebox';
import { CsvQuery, responses, splitCsv, StringEnum } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { EventView } from './schemas.js';

const Query = Type.Object(
  {
    cameras: CsvQuery('camera ids'),
    edges: CsvQuery('edge ids'),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'started at or after' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'started before' })),
    triggers: CsvQuery('anomaly, motion, rule'),
    analysisStatus: CsvQuery('pending, analyzing, analyzed, failed'),
    riskLevels: CsvQuery('critical, warning, normal, false_positive'),
    findings: CsvQuery('finding (anomaly) types, e.g. new_object, missing_object, scene_change'),
    hasClip: Type.Optional(Type.Boolean()),
    incidents: CsvQuery('incident ids'),
    reviewed: Type.Optional(
      Type.Boolean({
        description: 'only events the calling token has (true) or has not (false) marked reviewed',
      }),
    ),
    q: Type.Optional(Type.String({ maxLength: 200, description: 'text in the explanation' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 100, description: 'nextCursor of the previous page' })),
    order: Type.Optional(StringEnum(['newest'] as const)),
  },
  { additionalProperties: false },
);

export function listEventsRoute(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/api/v1/events',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['events'],
        summary: 'Search events, newest first, with cursor pagination',
        querystring: Query,
        response: responses({
          200: Type.Object({
            items: Type.Array(EventView),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
        }),
      },
    },
    async (request) => {
      const q = request.query;
      return deps.events.query.list(
        {
          cameraIds: splitCsv(q.cameras),
          edgeIds: splitCsv(q.edges),
          ...(q.from ? { from: Date.parse(q.from) } : {}),
          ...(q.to ? { to: Date.parse(q.to) } : {}),
          triggers: splitCsv(q.triggers) as ('anomaly' | 'motion' | 'rule')[] | undefined,
          analysisStatus: splitCsv(q.analysisStatus),
          riskLevels: splitCsv(q.riskLevels),
          findingTypes: splitCsv(q.findings),
          ...(q.hasClip !== undefined ? { hasClip: q.hasClip } : {}),
          incidentIds: splitCsv(q.incidents),
          ...(q.reviewed !== undefined
            ? { reviewed: { tokenId: request.principal!.tokenId, value: q.reviewed } }
            : {}),
          ...(q.q ? { text: q.q } : {}),
          ...(q.cursor ? { before: q.cursor } : {}),
          limit: q.limit ?? 50,
        },
        request.principal!.tokenId,
      );
    },
  );
}
