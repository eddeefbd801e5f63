import { IdParams } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';

export function downloadModelRoute(app: TypedApp, deps: RouteDeps): void {
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
