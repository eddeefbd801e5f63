import { Type } from '@sinclair/typebox';
import { responses, StringEnum } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { EventView } from './schemas.js';

const csv = (description: string) =>
  Type.Optional(Type.String({ maxLength: 2000, description: `${description} (comma-separated)` }));
const Query = Type.Object(
  {
    cameras: csv('camera ids'),
    edges: csv('edge ids'),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'started at or after' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'started before' })),
    triggers: csv('anomaly, motion, rule'),
    analysisStatus: csv('pending, analyzing, analyzed, failed'),
    riskLevels: csv('critical, warning, normal, false_positive'),
    findings: csv('finding (anomaly) types, e.g. new_object, missing_object, scene_change'),
    hasClip: Type.Optional(Type.Boolean()),
    incidents: csv('incident ids'),
    q: Type.Optional(Type.String({ maxLength: 200, description: 'text in the explanation' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 100, description: 'nextCursor of the previous page' })),
    order: Type.Optional(StringEnum(['newest'] as const)),
  },
  { additionalProperties: false },
);

const split = (v?: string) =>
  v
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;

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
      return deps.events.query.list({
        cameraIds: split(q.cameras),
        edgeIds: split(q.edges),
        ...(q.from ? { from: Date.parse(q.from) } : {}),
        ...(q.to ? { to: Date.parse(q.to) } : {}),
        triggers: split(q.triggers) as ('anomaly' | 'motion' | 'rule')[] | undefined,
        analysisStatus: split(q.analysisStatus),
        riskLevels: split(q.riskLevels),
        findingTypes: split(q.findings),
        ...(q.hasClip !== undefined ? { hasClip: q.hasClip } : {}),
        incidentIds: split(q.incidents),
        ...(q.q ? { text: q.q } : {}),
        ...(q.cursor ? { before: q.cursor } : {}),
        limit: q.limit ?? 50,
      });
    },
  );
}
