import { Type } from '@sinclair/typebox';
import { IdParams, responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';

export function cameraQualityRoute(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/api/v1/cameras/:id/quality',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['cameras'],
        summary:
          "How well the camera's models behave: false-positive rate from feedback, events per day, risk distribution",
        params: IdParams,
        querystring: Type.Object(
          { days: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })) },
          { additionalProperties: false },
        ),
        response: responses({
          200: Type.Object({
            cameraId: Type.String(),
            days: Type.Integer(),
            falsePositives: Type.Integer(),
            confirmed: Type.Integer(),
            falseNegatives: Type.Integer(),
            activeSuppressionRules: Type.Integer(),
            falsePositiveRate: Type.Union([Type.Number(), Type.Null()], {
              description: 'false positives / (false positives + confirmed)',
            }),
            events: Type.Integer(),
            eventsPerDay: Type.Number(),
            byDay: Type.Record(Type.String(), Type.Integer()),
            riskDistribution: Type.Record(Type.String(), Type.Integer()),
          }),
        }),
      },
    },
    async (request) => deps.analysis.feedback.quality(request.params.id, request.query.days),
  );
}
