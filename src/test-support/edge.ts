import type { Service } from '../app/compose.js';
import { createEdgeKeyMaterial, type EdgeKeyMaterial } from '../edge-client/credentials.js';
import { edgeClient, edgeTransport } from '../edge-client/transport.js';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { EdgeService, type SyncCapabilitiesRequestSchema } from '../gen/guardian/edge/v1/edge_pb.js';
import { EnrollmentService } from '../gen/guardian/edge/v1/enrollment_pb.js';
import { EventService } from '../gen/guardian/edge/v1/events_pb.js';
import { DatasetService } from '../gen/guardian/edge/v1/datasets_pb.js';
import { ModelService } from '../gen/guardian/edge/v1/models_pb.js';
import { TelemetryService } from '../gen/guardian/edge/v1/telemetry_pb.js';

/**
 * An enrolled edge with mTLS clients for its services; the service's edge API must be started.
 * `cameras` are synced (online, no snapshots) with `capabilities` (runtime, software version).
 */
export async function enrolledTestEdge(
  service: Service,
  name: string,
  cameras: string[] = [],
  capabilities: Pick<
    MessageInitShape<typeof SyncCapabilitiesRequestSchema>,
    'runtime' | 'softwareVersion'
  > = {},
) {
  const { token } = await service.edges.bootstrapTokens.create({ name });
  const keys = await createEdgeKeyMaterial(name);
  const res = await service.edges.enrollment.enroll({
    bootstrapToken: token,
    edgeName: name,
    wireguardPublicKey: keys.wireguard.publicKey,
    csrPem: keys.csrPem,
    softwareVersion: '1.0.0',
  });
  const transport = edgeTransport({
    endpoint: `127.0.0.1:${service.edges.grpcAddress!.port}`,
    caPem: service.edges.ca.certPem,
    certPem: res.certificatePem,
    keyPem: keys.tlsKeyPem,
  });
  const edge = edgeClient(EdgeService, transport);
  if (cameras.length > 0)
    await edge.syncCapabilities({
      cameras: cameras.map((cameraId) => ({
        cameraId,
        name: cameraId,
        online: true,
        labelledSnapshotCounts: {},
      })),
      ...capabilities,
    });
  return {
    edgeId: res.edgeId,
    credentials: { certPem: res.certificatePem, keyPem: keys.tlsKeyPem },
    transport,
    edge,
    events: edgeClient(EventService, transport),
    datasets: edgeClient(DatasetService, transport),
    models: edgeClient(ModelService, transport),
    telemetry: edgeClient(TelemetryService, transport),
  };
}

/**
 * Enrols over the edge API itself (TLS, no client certificate), as an installer's edge does, and
 * returns the answer, the edge's keys and an mTLS client for EdgeService.
 */
export async function enrolOverGrpc(
  to: { endpoint: string; caPem: string },
  name: string,
  bootstrapToken: string,
  keys?: EdgeKeyMaterial,
) {
  const material = keys ?? (await createEdgeKeyMaterial(name));
  const res = await edgeClient(EnrollmentService, edgeTransport(to)).enroll({
    bootstrapToken,
    edgeName: name,
    wireguardPublicKey: material.wireguard.publicKey,
    csrPem: material.csrPem,
    softwareVersion: '1.0.0',
  });
  const edge = edgeClient(
    EdgeService,
    edgeTransport({ ...to, certPem: res.certificatePem, keyPem: material.tlsKeyPem }),
  );
  return { res, material, edge };
}
