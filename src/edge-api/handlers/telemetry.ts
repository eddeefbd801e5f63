import type { ServiceImpl } from '@connectrpc/connect';
import { TelemetryService } from '../../gen/guardian/edge/v1/telemetry_pb.js';
import type { TelemetryService as TelemetryLogic } from '../../telemetry/telemetry-service.js';
import { identityOf } from '../context.js';

export function telemetryHandlers(telemetry: TelemetryLogic): Partial<ServiceImpl<typeof TelemetryService>> {
  return {
    async reportTelemetry(req, ctx) {
      await telemetry.report(identityOf(ctx), {
        at: Number(req.atMs),
        cpuPercent: req.cpuPercent,
        memoryUsedBytes: Number(req.memoryUsedBytes),
        memoryTotalBytes: Number(req.memoryTotalBytes),
        diskUsedBytes: Number(req.diskUsedBytes),
        diskTotalBytes: Number(req.diskTotalBytes),
        networkRxBytes: Number(req.networkRxBytes),
        networkTxBytes: Number(req.networkTxBytes),
        temperaturesC: { ...req.temperaturesC },
        eventQueueLength: req.eventQueueLength,
        softwareVersion: req.softwareVersion,
        cameras: req.cameras.map((c) => ({
          cameraId: c.cameraId,
          online: c.online,
          fps: c.fps,
          lastFrameAt: c.lastFrameAtMs ? Number(c.lastFrameAtMs) : null,
          inferenceLatencyMs: c.inferenceLatencyMs,
          triggerRatePerHour: c.triggerRatePerHour,
          modelVersion: c.modelVersion,
        })),
      });
      return {};
    },
  };
}
