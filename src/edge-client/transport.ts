import { createClient, type Client, type Transport } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import type { DescService } from '@bufbuild/protobuf';

export interface EdgeTransportOptions {
  /** host:port of the edge gRPC API. */
  endpoint: string;
  /** The service's CA (from the bootstrap token bundle, then from enrollment). */
  caPem: string;
  /** Client certificate and key; absent only for enrollment. */
  certPem?: string;
  keyPem?: string;
  /** TLS server name to verify, when the endpoint is an address the certificate does not name. */
  serverName?: string;
}

/** Real gRPC over HTTP/2 with (m)TLS, one connection reused for every call. */
export function edgeTransport(options: EdgeTransportOptions): Transport {
  return createGrpcTransport({
    baseUrl: `https://${options.endpoint}`,
    nodeOptions: {
      ca: options.caPem,
      ...(options.certPem && options.keyPem ? { cert: options.certPem, key: options.keyPem } : {}),
      ...(options.serverName ? { servername: options.serverName } : {}),
      // A 1 MiB stream window instead of 64 KiB, so a model download is not paced by
      // WINDOW_UPDATEs on links with latency, and 256 KiB DATA frames (one per download chunk)
      // instead of 16 KiB. Neither measured above the noise on loopback (docs/BENCHMARKS.md).
      settings: { initialWindowSize: 1024 * 1024, maxFrameSize: 256 * 1024 },
    },
  });
}

export function edgeClient<S extends DescService>(service: S, transport: Transport): Client<S> {
  return createClient(service, transport);
}
