import { Type } from '@sinclair/typebox';
import { responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { drawDetections } from '../../../vision/draw.js';
import { acceptImageBodies, IMAGE_BODY_LIMIT, imageBody } from '../../image-body.js';

const Box = Type.Object({ x1: Type.Number(), y1: Type.Number(), x2: Type.Number(), y2: Type.Number() });
export const DetectionView = Type.Object({
  label: Type.String({ description: 'COCO class name' }),
  classId: Type.Integer(),
  score: Type.Number(),
  box: Box,
});

export function detectRoute(app: TypedApp, deps: RouteDeps): void {
  acceptImageBodies(app);
  app.post(
    '/api/v1/detect',
    {
      config: { auth: 'admin' },
      bodyLimit: IMAGE_BODY_LIMIT,
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
            smallObjectSide: Type.Optional(
              Type.Integer({
                minimum: 0,
                maximum: 2048,
                multipleOf: 32,
                description:
                  'the small-object pass (vision.smallObjectSide by default; 0 = off): try what a camera needs',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: responses({
          200: Type.Object({
            detector: Type.Object({
              name: Type.String(),
              version: Type.String(),
              runtime: Type.String({ description: 'onnx (onnxruntime) or tfjs (wasm)' }),
            }),
            width: Type.Integer(),
            height: Type.Integer(),
            inferenceMs: Type.Number(),
            detections: Type.Array(DetectionView),
          }),
        }),
      },
    },
    async (request, reply) => {
      const image = imageBody(request);
      const result = await deps.vision.detect({
        image,
        ...(request.query.smallObjectSide !== undefined
          ? { smallObjectSide: request.query.smallObjectSide }
          : {}),
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
