import type { ServiceImpl } from '@connectrpc/connect';
import type { EnrollmentService as EnrollmentLogic } from '../../edges/enrollment-service.js';
import { EnrollmentService } from '../../gen/guardian/edge/v1/enrollment_pb.js';

export function enrollmentHandlers(
  enrollment: EnrollmentLogic,
): Partial<ServiceImpl<typeof EnrollmentService>> {
  return {
    async enroll(req) {
      const result = await enrollment.enroll({
        bootstrapToken: req.bootstrapToken,
        edgeName: req.edgeName,
        wireguardPublicKey: req.wireguardPublicKey,
        csrPem: req.csrPem,
        softwareVersion: req.softwareVersion,
      });
      return {
        edgeId: result.edgeId,
        certificatePem: result.certificatePem,
        caCertificatePem: result.caCertificatePem,
        certificateExpiresAtMs: BigInt(result.certificateExpiresAt),
        wireguard: { ...result.wireguard },
        grpcEndpoint: result.grpcEndpoint,
        allowedCameras: result.allowedCameras,
      };
    },
  };
}
