import { Type } from '@sinclair/typebox';
import { IdParams, responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';

const Query = Type.Object(
  {
    from: Type.Optional(Type.String({ format: 'date-time', description: 'default: 1 hour ago' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'default: now' })),
    step: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 86400,
        default: 60,
        description: 'seconds; below the rollup step, raw samples are returned while they exist',
      }),
    ),
  },
  { additionalProperties: false },
);

const Sample = Type.Object({
  cameraId: Type.String(),
  at: Type.String({ format: 'date-time' }),
  metrics: Type.Record(Type.String(), Type.Unknown()),
});
const Rollup = Type.Object({
  cameraId: Type.String(),
  bucketStart: Type.String({ format: 'date-time' }),
  stepSeconds: Type.Integer(),
  metrics: Type.Record(
    Type.String(),
    Type.Object({ avg: Type.Number(), min: Type.Number(), max: Type.Number(), count: Type.Integer() }),
  ),
});

export function edgeTelemetryRoute(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/api/v1/telemetry/edges/:id',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['telemetry'],
        summary:
          "An edge's latest telemetry and a series (raw samples, or 5-minute rollups with avg/min/max)",
        params: IdParams,
        querystring: Query,
        response: responses({
          200: Type.Object({
            latest: Type.Array(Sample),
            source: Type.String(),
            samples: Type.Array(Sample),
            rollups: Type.Array(Rollup),
          }),
        }),
      },
    },
    async (request) => {
      await deps.edges.registry.get(request.params.id); // 404 for an unknown edge
      const to = request.query.to ? Date.parse(request.query.to) : Date.now();
      const from = request.query.from ? Date.parse(request.query.from) : to - 3_600_000;
      const r = await deps.telemetry.series(request.params.id, from, to, request.query.step ?? 60);
      const iso = (ms: number) => new Date(ms).toISOString();
      return {
        latest: r.latest.map((s) => ({ cameraId: s.cameraId, at: iso(s.at), metrics: s.metrics })),
        source: r.source,
        samples: r.raw.map((s) => ({ cameraId: s.cameraId, at: iso(s.at), metrics: s.metrics })),
        rollups: r.rollups.map((x) => ({
          cameraId: x.cameraId,
          bucketStart: iso(x.bucketStart),
          stepSeconds: x.stepSeconds,
          metrics: x.metrics,
        })),
      };
    },
  );
}
