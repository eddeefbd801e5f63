import { Type } from '@sinclair/typebox';
import { IdParams, responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';

export function cameraFeedbackRoute(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/api/v1/cameras/:id/feedback',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['cameras'],
        summary: "Feedback counts for the camera's model quality, and its active suppression rules",
        params: IdParams,
        response: responses({
          200: Type.Object({
            cameraId: Type.String(),
            falsePositives: Type.Integer(),
            confirmed: Type.Integer(),
            falseNegatives: Type.Integer(),
            activeSuppressionRules: Type.Integer(),
          }),
        }),
      },
    },
    async (request) => deps.analysis.feedback.counts(request.params.id),
  );
}
