import type { ServiceImpl } from '@connectrpc/connect';
import type { ClipUploadService } from '../../events/clip-upload-service.js';
import type { EventIngestService } from '../../events/event-ingest-service.js';
import type { UploadClipRequest } from '../../gen/guardian/edge/v1/events_pb.js';
import { EventService, TriggerType } from '../../gen/guardian/edge/v1/events_pb.js';
import { AppError } from '../../errors/app-error.js';
import type { EdgeIdentityResolver } from '../../edges/edge-identity.js';
import { identityOf, recheckIdentity } from '../context.js';

const TRIGGERS = {
  [TriggerType.ANOMALY]: 'anomaly',
  [TriggerType.MOTION]: 'motion',
  [TriggerType.RULE]: 'rule',
} as const;

export function eventHandlers(
  ingest: EventIngestService,
  clips: ClipUploadService,
  resolver: EdgeIdentityResolver,
): Partial<ServiceImpl<typeof EventService>> {
  return {
    async uploadClip(requests, ctx) {
      const iterator = requests[Symbol.asyncIterator]();
      const first = await iterator.next();
      if (first.done || first.value.part.case !== 'header')
        throw new AppError('validation_failed', 'the first UploadClip message must carry the ClipHeader');
      const h = first.value.part.value;
      const chunks = (async function* () {
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
          const msg: UploadClipRequest = next.value;
          if (msg.part.case !== 'chunk')
            throw new AppError('validation_failed', 'only the first UploadClip message may carry a header');
          await recheckIdentity(ctx, resolver);
          yield msg.part.value;
        }
      })();
      const r = await clips.upload(
        identityOf(ctx),
        { eventId: h.eventId, size: Number(h.size), sha256: h.sha256, offset: Number(h.offset) },
        chunks,
      );
      return { eventId: r.eventId, size: BigInt(r.size), sha256: r.sha256 };
    },

    async queryClipUpload(req, ctx) {
      const r = await clips.status(identityOf(ctx), req.eventId);
      return { receivedBytes: BigInt(r.receivedBytes), complete: r.complete };
    },

    async uploadEvent(req, ctx) {
      const trigger = TRIGGERS[req.trigger as keyof typeof TRIGGERS];
      if (!trigger) throw new AppError('validation_failed', 'trigger must be ANOMALY, MOTION or RULE');
      const result = await ingest.uploadEvent(identityOf(ctx), {
        cameraId: req.cameraId,
        eventKey: req.eventKey,
        startedAt: Number(req.startedAtMs),
        endedAt: req.endedAtMs ? Number(req.endedAtMs) : null,
        trigger,
        edgeModelId: req.edgeModelId,
        edgeModelVersion: req.edgeModelVersion,
        edgeScore: req.edgeModelId ? req.edgeScore : null,
        edgeThreshold: req.edgeModelId ? req.edgeThreshold : null,
        edgeDetections: req.edgeDetections.map((d) => ({
          className: d.className,
          score: d.score,
          box: d.box ? [d.box.x1, d.box.y1, d.box.x2, d.box.y2] : null,
        })),
        frames: req.frames.map((f) => ({
          image: f.image,
          capturedAt: f.capturedAtMs ? Number(f.capturedAtMs) : null,
        })),
        conditions: req.conditions
          ? { light: req.conditions.light, weather: req.conditions.weather, season: req.conditions.season }
          : null,
        clipExpected: req.clipExpected,
      });
      return { eventId: result.eventId, created: result.created };
    },
  };
}
