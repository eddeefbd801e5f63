import type { HandlerContext, ServiceImpl } from '@connectrpc/connect';
import { ModelService, ModelState, type ModelAssignment } from '../../gen/guardian/edge/v1/models_pb.js';
import { AppError } from '../../errors/app-error.js';
import type { AssignmentService, EffectiveAssignment } from '../../models/assignment-service.js';
import type { CatalogService } from '../../models/catalog-service.js';
import type { ModelStatusService } from '../../models/model-status-service.js';
import type { EdgeIdentityResolver } from '../../edges/edge-identity.js';
import { identityOf, recheckIdentity } from '../context.js';
import { rechunk } from '../rechunk.js';

const CHUNK = 256 * 1024;
const STATES = {
  [ModelState.DOWNLOADING]: 'downloading',
  [ModelState.VERIFIED]: 'verified',
  [ModelState.ACTIVATED]: 'activated',
  [ModelState.FAILED]: 'failed',
} as const;

function toMessage(a: EffectiveAssignment): Omit<ModelAssignment, '$typeName' | '$unknown'> {
  const shape = a.model.input_shape ? (JSON.parse(a.model.input_shape) as unknown[]) : [];
  return {
    cameraId: a.cameraId,
    modelId: a.modelId,
    version: a.model.version,
    size: BigInt(a.model.size),
    sha256: a.model.sha256,
    opset: a.model.opset ?? 0,
    inputSize: shape.length === 4 ? `${String(shape[3])}x${String(shape[2])}` : '',
    threshold: a.model.threshold ?? 0,
    deploymentId: a.deploymentId,
  };
}

/**
 * Model delivery: assignments (polled or watched), resumable chunked downloads of assigned models
 * only, and per-camera status reports that drive activation and automatic rollback.
 */
export function modelHandlers(
  assignments: AssignmentService,
  catalog: CatalogService,
  status: ModelStatusService,
  resolver: EdgeIdentityResolver,
  maxConcurrentDownloads = 16,
): Partial<ServiceImpl<typeof ModelService>> {
  // Bounds the memory of many edges downloading at once (each stream holds TLS and HTTP/2
  // buffers); the others wait their turn before their first chunk.
  const slots = new Semaphore(maxConcurrentDownloads);
  const current = async (ctx: HandlerContext) =>
    (await assignments.forEdge(identityOf(ctx).edgeId)).map(toMessage);
  return {
    async listAssignments(_req, ctx) {
      return { assignments: await current(ctx) };
    },

    async *watchAssignments(_req, ctx) {
      const edgeId = identityOf(ctx).edgeId;
      let wake: (() => void) | undefined;
      let changed = true;
      const off = assignments.onChange(edgeId, () => {
        changed = true;
        wake?.();
      });
      const aborted = new Promise<void>((resolve) =>
        ctx.signal.addEventListener('abort', () => resolve(), { once: true }),
      );
      try {
        while (!ctx.signal.aborted) {
          if (changed) {
            changed = false;
            await recheckIdentity(ctx, resolver);
            yield { assignments: await current(ctx) };
          }
          await Promise.race([new Promise<void>((resolve) => (wake = resolve)), aborted]);
        }
      } finally {
        off();
      }
    },

    async *downloadModel(req, ctx) {
      const mine = await assignments.forEdge(identityOf(ctx).edgeId);
      if (!mine.some((a) => a.modelId === req.modelId)) {
        throw new AppError('forbidden', `model ${req.modelId} is not assigned to any camera of this edge`);
      }
      const release = await slots.acquire(ctx.signal);
      try {
        const file = await catalog.open(req.modelId, Number(req.offset));
        let offset = file.offset;
        const total = BigInt(file.size);
        // The store's pieces (64 KiB from files, smaller from S3) are gathered into CHUNK-sized
        // messages: per-message costs (framing, TLS records, the client's bookkeeping) dominate
        // at 64 KiB. At most one chunk is held per download, and the generator only resumes when
        // the HTTP/2 stream has taken the previous message.
        for await (const chunk of rechunk(file.stream as AsyncIterable<Buffer>, CHUNK)) {
          yield { chunk, offset: BigInt(offset), totalSize: total, sha256: file.sha256 };
          offset += chunk.length;
        }
        if (offset === file.offset)
          yield { chunk: new Uint8Array(), offset: BigInt(offset), totalSize: total, sha256: file.sha256 };
      } finally {
        release();
      }
    },

    async reportModelStatus(req, ctx) {
      const state = STATES[req.state as keyof typeof STATES];
      if (!state)
        throw new AppError('validation_failed', 'state must be DOWNLOADING, VERIFIED, ACTIVATED or FAILED');
      await status.report(identityOf(ctx), {
        cameraId: req.cameraId,
        modelId: req.modelId,
        deploymentId: req.deploymentId,
        state,
        reason: req.reason,
        triggerRatePerHour: req.triggerRatePerHour,
        inferenceLatencyMs: req.inferenceLatencyMs,
      });
      return {};
    },
  };
}

class Semaphore {
  private readonly waiting: (() => void)[] = [];

  constructor(private free: number) {}

  async acquire(signal: AbortSignal): Promise<() => void> {
    if (this.free > 0) this.free--;
    else {
      await new Promise<void>((resolve, reject) => {
        const go = () => {
          signal.removeEventListener('abort', stop);
          resolve();
        };
        const stop = () => {
          this.waiting.splice(this.waiting.indexOf(go), 1);
          reject(new AppError('unavailable', 'the download was cancelled while waiting for its turn'));
        };
        this.waiting.push(go);
        signal.addEventListener('abort', stop, { once: true });
      });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    };
  }
}
