import { Type } from '@sinclair/typebox';
import { IdParams, responses, StringEnum } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { renderHeatmap } from '../../../baseline/heatmap.js';

const Box = Type.Object(
  { x1: Type.Number(), y1: Type.Number(), x2: Type.Number(), y2: Type.Number() },
  { description: 'shares of the image (0..1)' },
);

const BaselineView = Type.Object({
  cameraId: Type.String(),
  version: Type.Integer({ description: 'increments with every build; analysis reports which one it used' }),
  detector: Type.String(),
  snapshotCount: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  stats: Type.Unknown({
    description:
      'snapshotCount, grid {cols, rows}, hours[24] and conditions of the snapshots, and per class: presence, count distribution and histogram, occupancy grid (by box bottom-centre), box width/height/area, hours[24], conditions, meanScore',
  }),
  staticObjects: Type.Array(
    Type.Object({ label: Type.String(), box: Box, presence: Type.Number(), snapshots: Type.Integer() }),
    {
      description: 'objects present at a stable place in most normal snapshots (e.g. a parked van)',
    },
  ),
});

export function cameraBaselineRoutes(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/api/v1/cameras/:id/baseline',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['cameras'],
        summary: "The camera's inventory of normal objects (latest version, or ?version=)",
        params: IdParams,
        querystring: Type.Object(
          { version: Type.Optional(Type.Integer({ minimum: 1 })) },
          { additionalProperties: false },
        ),
        response: responses({ 200: BaselineView }),
      },
    },
    async (request) => deps.baseline.get(request.params.id, request.query.version),
  );

  app.post(
    '/api/v1/cameras/:id/baseline',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['cameras'],
        summary:
          'Rebuild the baseline (full) or update it with new snapshots only (incremental); answers the queued job',
        params: IdParams,
        body: Type.Object(
          { mode: StringEnum(['full', 'incremental'] as const) },
          { additionalProperties: false },
        ),
        response: responses({ 202: Type.Object({ jobId: Type.String(), status: Type.String() }) }),
      },
    },
    async (request, reply) => {
      await deps.edges.cameras.get(request.params.id);
      const job = await deps.baseline.requestBuild(request.params.id, request.body.mode);
      return reply.code(202).send({ jobId: job.id, status: job.status });
    },
  );

  app.get(
    '/api/v1/cameras/:id/baseline/heatmap.png',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['cameras'],
        summary:
          'Where objects normally are: the occupancy grid and static objects over a recent snapshot (PNG)',
        params: IdParams,
        querystring: Type.Object(
          { label: Type.Optional(Type.String({ maxLength: 40, description: 'one class, e.g. person' })) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const baseline = await deps.baseline.get(request.params.id);
      const png = await renderHeatmap(
        await deps.baseline.representativeSnapshot(request.params.id),
        baseline,
        request.query.label,
      );
      return reply.type('image/png').send(png);
    },
  );
}
