import { Type } from '@sinclair/typebox';
import { IdParams, responses, StringEnum } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';

const Report = Type.Unknown({
  description:
    'risk {score 0-100, level, factors}, explanation, findings [{type, score, label, box, evidence}], suppressed findings, objects (tracks with frames, dwell, speed, static match), incident, related events of other cameras, edgeComparison (edge vs server CAE), models used (detector, baseline version with its evidence: snapshots, days, hours covered, confidence and the weight given to its statistical findings, CAE, edge model), inputs (per-frame detections)',
});

export function eventAnalysisRoutes(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/api/v1/events/:id/report',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['events'],
        summary:
          'How risky the event is and why: risk, level, findings, objects, explanation, incident, models',
        params: IdParams,
        response: responses({ 200: Report }),
      },
    },
    async (request) => deps.analysis.service.report(request.params.id),
  );

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

  app.post(
    '/api/v1/events/:id/rescore',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['events'],
        summary: "Re-evaluate a past event with today's baseline, feedback and rules; shows before and after",
        params: IdParams,
        response: responses({ 200: Type.Object({ before: Type.Unknown(), after: Report }) }),
      },
    },
    async (request) => deps.analysis.service.rescore(request.params.id),
  );

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
