import { Type } from '@sinclair/typebox';
import { AppError } from '../../../errors/app-error.js';
import { responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { drawDetections } from '../../../vision/draw.js';

const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'];

const Box = Type.Object({ x1: Type.Number(), y1: Type.Number(), x2: Type.Number(), y2: Type.Number() });
export const DetectionView = Type.Object({
  label: Type.String({ description: 'COCO class name' }),
  classId: Type.Integer(),
  score: Type.Number(),
  box: Box,
});

export function detectRoute(app: TypedApp, deps: RouteDeps): void {
  for (const type of IMAGE_TYPES) {
    if (!app.hasContentTypeParser(type)) {
      app.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: 20 * 1024 * 1024 }, (_req, body, done) =>
        done(null, body),
      );
    }
  }
  app.post(
    '/api/v1/detect',
    {
      config: { auth: 'admin' },
      bodyLimit: 20 * 1024 * 1024,
      schema: {
        tags: ['vision'],
        summary:
          "Run the object detector on an image (body: the JPEG/PNG/WebP bytes) to check a camera's view",
        description: 'With `?draw=true` the answer is the image with the boxes drawn (PNG).',
        querystring: Type.Object(
          {
            draw: Type.Optional(Type.Boolean()),
            minScore: Type.Optional(
              Type.Number({ minimum: 0, maximum: 1, description: 'override the configured threshold' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: responses({
          200: Type.Object({
            detector: Type.Object({ name: Type.String(), version: Type.String() }),
            width: Type.Integer(),
            height: Type.Integer(),
            inferenceMs: Type.Number(),
            detections: Type.Array(DetectionView),
          }),
        }),
      },
    },
    async (request, reply) => {
      if (!IMAGE_TYPES.includes(String(request.headers['content-type']).split(';')[0]!)) {
        throw new AppError('unsupported_media_type', `send the image as ${IMAGE_TYPES.join(', ')}`);
      }
      const image = request.body as Buffer;
      const result = await deps.vision.detect({
        image,
        ...(request.query.minScore !== undefined
          ? { filters: { minScore: request.query.minScore, classMinScore: {} } }
          : {}),
      });
      if (request.query.draw)
        return reply.type('image/png').send(await drawDetections(image, result.detections));
      return result;
    },
  );
}
