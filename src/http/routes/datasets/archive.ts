import type { Readable } from 'node:stream';
import { AppError } from '../../../errors/app-error.js';
import { IdParams, responses } from '../../schemas.js';
import type { RouteDeps, TypedApp } from '../deps.js';
import { ImportSummary } from './schemas.js';

export function importDatasetRoute(app: TypedApp, deps: RouteDeps): void {
  // The archive is streamed to a size-limited temporary file by the service, not buffered here.
  app.addContentTypeParser('application/zip', (_request, payload, done) => done(null, payload));
  app.post(
    '/api/v1/datasets/:id/import',
    {
      // Large archives take a while to upload; the service enforces the archive size limit.
      config: { auth: 'admin', timeout: false },
      bodyLimit: Number.MAX_SAFE_INTEGER,
      schema: {
        tags: ['datasets'],
        summary: 'Import a ZIP of labelled images ({label}/{file}; body application/zip)',
        description:
          'Images are validated one by one: bad ones are listed in `refused`, duplicates counted, the rest kept. ' +
          'Archives with absolute or `..` paths, links, or that expand beyond the configured limits are refused whole (422 unsafe_archive).',
        params: IdParams,
        response: responses({ 200: ImportSummary }),
      },
    },
    async (request) => {
      const dataset = await deps.ml.datasets.require(request.params.id);
      if (request.headers['content-type'] !== 'application/zip') {
        throw new AppError('unsupported_media_type', 'send the archive as application/zip');
      }
      // Imports take the built-in labels (normal, abnormal, threat); custom ones come from edges.
      return deps.ml.imports.importZipUpload(dataset, request.body as Readable, null);
    },
  );
}

export function exportDatasetRoute(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/api/v1/datasets/:id/export',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['datasets'],
        summary: 'Download the dataset as a ZIP ({label}/{sha256}.{ext} + snapshots.json)',
        params: IdParams,
      },
    },
    async (request, reply) => {
      const dataset = await deps.ml.datasets.require(request.params.id);
      const stream = await deps.ml.imports.exportZip(dataset.id);
      return reply
        .header('content-type', 'application/zip')
        .header('content-disposition', `attachment; filename="dataset-${dataset.id}.zip"`)
        .send(stream);
    },
  );
}
