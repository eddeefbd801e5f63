import { Type } from '@sinclair/typebox';
import { responses } from '../../schemas.js';
import { acceptImageBodies, IMAGE_BODY_LIMIT, imageBody } from '../../image-body.js';
import type { RouteDeps, TypedApp } from '../deps.js';

const Params = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 100 }),
  n: Type.Integer({ minimum: 0, maximum: 1000 }),
});

export function learnNormalFrameRoute(app: TypedApp, deps: RouteDeps): void {
  acceptImageBodies(app);
  app.post(
    '/api/v1/events/:id/snapshots/:n/normal',
    {
      // It changes what the camera considers normal: not for read-only tokens.
      config: { auth: 'admin' },
      bodyLimit: IMAGE_BODY_LIMIT,
      schema: {
        tags: ['events'],
        summary:
          "Teach the camera from a false positive: the owner's decrypted n-th snapshot becomes a normal snapshot",
        description:
          "Body: the plaintext image of `GET /api/v1/events/{id}/snapshots/{n}` after `age -d` (the server keeps only ciphertext, so the owner sends it back). The service checks it is that frame (its size and picture statistics match what the analysis measured; 400 otherwise), stores it as a `normal` snapshot of the camera and queues a job that updates the baseline and re-scores the event: its result has the report before and after. The growing dataset also counts towards retraining the camera's model.",
        params: Params,
        response: responses({
          202: Type.Object({
            snapshotId: Type.String(),
            status: Type.Union([Type.Literal('accepted'), Type.Literal('duplicate')], {
              description: 'duplicate: the camera already had this exact image',
            }),
            jobId: Type.String({ description: 'follow it at /api/v1/jobs/{jobId}' }),
          }),
          415: Type.Ref('ErrorBody'),
        }),
      },
    },
    async (request, reply) => {
      const image = imageBody(request);
      const outcome = await deps.analysis.normalFrames.addEventFrame(
        request.params.id,
        request.params.n,
        image,
      );
      return reply.code(202).send(outcome);
    },
  );
}
