import type { ServiceImpl } from '@connectrpc/connect';
import { DatasetService as DatasetRpc } from '../../gen/guardian/edge/v1/datasets_pb.js';
import type { CameraAccess } from '../../edges/camera-access.js';
import type { DatasetService } from '../../datasets/dataset-service.js';
import type { DatasetImportService } from '../../datasets/dataset-import-service.js';
import { AppError } from '../../errors/app-error.js';
import type { EdgeIdentityResolver } from '../../edges/edge-identity.js';
import { identityOf, recheckIdentity } from '../context.js';

/**
 * Client-streaming snapshot upload. All messages of one stream are for one camera (its default
 * dataset); a bad image is refused in the response with its index, the others are kept. Each
 * image is stored before the next message is read, so an interrupted stream keeps what arrived.
 */
export function datasetHandlers(
  datasets: DatasetService,
  imports: DatasetImportService,
  access: CameraAccess,
  resolver: EdgeIdentityResolver,
): Partial<ServiceImpl<typeof DatasetRpc>> {
  return {
    async uploadSnapshots(requests, ctx) {
      const identity = identityOf(ctx);
      const iterator = requests[Symbol.asyncIterator]();
      const first = await iterator.next();
      if (first.done) throw new AppError('validation_failed', 'the stream carried no snapshot');
      const cameraId = first.value.cameraId;
      await access.assertAllowed(identity, cameraId);
      const dataset = await datasets.defaultDataset(cameraId);
      const items = (async function* () {
        let index = 0;
        for (
          let next: IteratorResult<typeof first.value> = first;
          !next.done;
          next = await iterator.next(), index++
        ) {
          const m = next.value;
          if (index > 0) await recheckIdentity(ctx, resolver);
          if (m.cameraId !== cameraId) {
            throw new AppError(
              'validation_failed',
              `message ${index} is for camera ${m.cameraId}; one stream carries one camera (${cameraId})`,
            );
          }
          yield {
            where: `snapshot ${index}`,
            label: m.label,
            image: Buffer.from(m.image),
            capturedAt: m.capturedAtMs ? Number(m.capturedAtMs) : null,
            conditions: m.conditions
              ? { light: m.conditions.light, weather: m.conditions.weather, season: m.conditions.season }
              : null,
          };
        }
      })();
      const r = await imports.importStream(dataset, items, identity.allowedLabels);
      return { datasetId: r.datasetId, accepted: r.accepted, duplicates: r.duplicates, refused: r.refused };
    },
  };
}
