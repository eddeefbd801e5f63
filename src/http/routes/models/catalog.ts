import { Type } from '@sinclair/typebox';
import { IdParams, responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';

export const ModelView = Type.Object({
  id: Type.String(),
  cameraId: Type.Union([Type.String(), Type.Null()]),
  kind: Type.String({ description: 'cae or detector' }),
  name: Type.String(),
  version: Type.String({ description: 'semver' }),
  format: Type.String(),
  opset: Type.Union([Type.Integer(), Type.Null()]),
  inputShape: Type.Unknown(),
  size: Type.Integer(),
  sha256: Type.String(),
  threshold: Type.Union([Type.Number(), Type.Null()]),
  datasetId: Type.Union([Type.String(), Type.Null()]),
  trainingJobId: Type.Union([Type.String(), Type.Null()]),
  metrics: Type.Unknown(),
  status: Type.String({ description: 'training, ready, active, archived or failed' }),
  createdAt: Type.String({ format: 'date-time' }),
});

const actor = (p?: { tokenId: string }) => (p ? `token:${p.tokenId}` : 'unknown');

export function modelCatalogRoutes(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/api/v1/models',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['models'],
        summary: 'Model versions, newest first',
        querystring: Type.Object(
          {
            cameraId: Type.Optional(Type.String()),
            kind: Type.Optional(Type.String()),
            status: Type.Optional(Type.String()),
          },
          { additionalProperties: false },
        ),
        response: responses({ 200: Type.Object({ items: Type.Array(ModelView) }) }),
      },
    },
    async (request) => ({ items: await deps.models.catalog.list(request.query) }),
  );
  app.get(
    '/api/v1/models/:id',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['models'],
        summary: 'One model version',
        params: IdParams,
        response: responses({ 200: ModelView }),
      },
    },
    async (request) => deps.models.catalog.get(request.params.id),
  );
  app.post(
    '/api/v1/models/:id/register',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['models'],
        summary:
          'Register a package placed in the store as models/{id}/model.onnx + metadata.json (e.g. a base model)',
        description:
          'Both files must exist and agree (id, sha256, size), and onnxruntime must load the model with the inputs and outputs metadata.json names.',
        params: IdParams,
        response: responses({ 201: ModelView }),
      },
    },
    async (request, reply) =>
      reply.code(201).send(await deps.models.catalog.register(request.params.id, actor(request.principal))),
  );
  app.post(
    '/api/v1/models/:id/archive',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['models'],
        summary: 'Archive a version (refused while deployed)',
        params: IdParams,
        response: responses({ 200: ModelView, 409: Type.Ref('ErrorBody') }),
      },
    },
    async (request) => deps.models.catalog.archive(request.params.id, actor(request.principal)),
  );
  app.delete(
    '/api/v1/models/:id',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['models'],
        summary: 'Delete a version (refused while deployed)',
        params: IdParams,
        response: responses({ 204: Type.Null(), 409: Type.Ref('ErrorBody') }),
      },
    },
    async (request, reply) => {
      await deps.models.catalog.delete(request.params.id, actor(request.principal));
      return reply.code(204).send(null);
    },
  );
  app.get(
    '/api/v1/models/:id/download',
    {
      config: { auth: 'viewer', timeout: false },
      schema: { tags: ['models'], summary: 'Download model.onnx', params: IdParams },
    },
    async (request, reply) => {
      const file = await deps.models.catalog.open(request.params.id);
      return reply
        .header('content-type', 'application/octet-stream')
        .header('content-length', file.size)
        .header('x-sha256', file.sha256)
        .header('content-disposition', `attachment; filename="${request.params.id}.onnx"`)
        .send(file.stream);
    },
  );
}
