import type { ServiceImpl } from '@connectrpc/connect';
import type { CameraService } from '../../edges/camera-service.js';
import type { EdgeRegistryService } from '../../edges/edge-registry-service.js';
import { CameraKind, CameraReadiness, EdgeService } from '../../gen/guardian/edge/v1/edge_pb.js';
import type { CameraReadiness as Readiness } from '../../db/tables.js';
import { identityOf } from '../context.js';

const READINESS: Record<Readiness, CameraReadiness> = {
  needs_snapshots: CameraReadiness.NEEDS_SNAPSHOTS,
  ready_for_training: CameraReadiness.READY_FOR_TRAINING,
  training: CameraReadiness.TRAINING,
  model_deployed: CameraReadiness.MODEL_DEPLOYED,
};

export function edgeHandlers(
  registry: EdgeRegistryService,
  cameras: CameraService,
): Partial<ServiceImpl<typeof EdgeService>> {
  return {
    async heartbeat(req, ctx) {
      const r = await registry.heartbeat(identityOf(ctx), {
        sentAtMs: Number(req.sentAtMs),
        lastRttMs: req.lastRttMs,
        softwareVersion: req.softwareVersion,
      });
      return {
        serverTimeMs: BigInt(r.serverTimeMs),
        echoedSentAtMs: BigInt(r.echoedSentAtMs),
        nextHeartbeatSeconds: r.nextHeartbeatSeconds,
        certificateRenewalDue: r.certificateRenewalDue,
      };
    },

    async syncCapabilities(req, ctx) {
      const statuses = await cameras.syncCapabilities(identityOf(ctx), {
        softwareVersion: req.softwareVersion,
        runtime: req.runtime
          ? {
              runtimes: req.runtime.runtimes,
              maxOpset: req.runtime.maxOpset,
              maxModelBytes: Number(req.runtime.maxModelBytes),
              inputSizes: req.runtime.inputSizes,
              hardware: req.runtime.hardware,
            }
          : null,
        cameras: req.cameras.map((c) => ({
          cameraId: c.cameraId,
          name: c.name,
          kind: c.kind === CameraKind.RTSP ? 'rtsp' : c.kind === CameraKind.USB ? 'usb' : 'other',
          width: c.width,
          height: c.height,
          fps: c.fps,
          labelledSnapshotCounts: { ...c.labelledSnapshotCounts },
          online: c.online,
        })),
      });
      return {
        cameras: statuses.map((s) => ({
          cameraId: s.cameraId,
          allowed: s.allowed,
          readiness: s.readiness ? READINESS[s.readiness] : CameraReadiness.UNSPECIFIED,
          normalSnapshotsMissing: s.normalSnapshotsMissing,
          reason: s.reason,
        })),
      };
    },

    async renewCertificate(req, ctx) {
      const r = await registry.renewCertificate(identityOf(ctx), req.csrPem);
      return {
        certificatePem: r.certificatePem,
        caCertificatePem: r.caCertificatePem,
        certificateExpiresAtMs: BigInt(r.certificateExpiresAt),
      };
    },
  };
}
