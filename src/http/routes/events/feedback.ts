import { Type } from '@sinclair/typebox';
import { IdParams, responses, StringEnum } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';

export function eventFeedbackRoute(app: TypedApp, deps: RouteDeps): void {
  app.post(
    '/api/v1/events/:id/feedback',
    {
      // Feedback changes what the service alerts on (suppression rules): not for read-only tokens.
      config: { auth: 'admin' },
      schema: {
        tags: ['events'],
        summary:
          'Tell the camera it was wrong (false_positive), right (confirmed), or missed something (false_negative)',
        description:
          'A false positive becomes suppression rules (class, finding type, place, hour; they expire) and the event is marked false_positive.',
        params: IdParams,
        body: Type.Object(
          {
            kind: StringEnum(['false_positive', 'confirmed', 'false_negative'] as const),
            comment: Type.Optional(Type.String({ maxLength: 1000 })),
          },
          { additionalProperties: false },
        ),
        response: responses({
          201: Type.Object({
            feedbackId: Type.String(),
            kind: Type.String(),
            suppressionRules: Type.Integer(),
          }),
          409: Type.Ref('ErrorBody'),
        }),
      },
    },
    async (request, reply) => {
      const result = await deps.analysis.feedback.give(request.params.id, {
        kind: request.body.kind,
        ...(request.body.comment ? { comment: request.body.comment } : {}),
        actor: request.principal ? `token:${request.principal.tokenId}` : null,
      });
      return reply.code(201).send(result);
    },
  );
}
