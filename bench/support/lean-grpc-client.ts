/**
 * A minimal gRPC unary client over node:http2 for load generation: one HTTP/2 mTLS connection per
 * simulated edge, binary protobuf, no interceptors. connect-node's client costs ~400 us of CPU per
 * call, which on two shared cores made the load generator, not the service, the thing measured.
 * Edges use the real client library (src/edge-client); this is only the benches' load.
 */
import { AsyncResource } from 'node:async_hooks';
import http2 from 'node:http2';
import {
  create,
  fromBinary,
  toBinary,
  type DescMethodUnary,
  type DescService,
  type MessageInitShape,
  type MessageShape,
} from '@bufbuild/protobuf';
import { grpcEnvelope } from '../../src/edge-api/unary-fast-path.js';

/**
 * Node 20's `Http2Session.request()` wraps every request in `AsyncResource.bind()`, which defines a
 * deprecated `asyncResource` accessor (DEP0172) made of two fresh `deprecate()` wrappers, each
 * given its own prototype with `Object.setPrototypeOf`. Those wrappers get hidden classes of their
 * own in old space that point back at the call, so every request's objects survived scavenges and
 * were promoted (~4.5 KB a call; a 15-25 ms mark-compact every few seconds in this process, which
 * the benches then reported as the service's latency). This process is only a load generator and
 * nothing in it reads `asyncResource`, so it binds without the accessor.
 */
function leanAsyncBind(this: AsyncResource, fn: (...args: unknown[]) => unknown, thisArg?: unknown) {
  // eslint-disable-next-line @typescript-eslint/no-this-alias
  const resource = this;
  if (thisArg !== undefined) return resource.runInAsyncScope.bind(resource, fn, thisArg);
  return function (this: unknown, ...args: unknown[]) {
    return resource.runInAsyncScope(fn, this, ...args);
  };
}
(AsyncResource.prototype as { bind: unknown }).bind = leanAsyncBind;

export interface LeanClient {
  unary<M extends DescMethodUnary>(
    service: DescService,
    method: M,
    message: MessageInitShape<M['input']>,
  ): Promise<MessageShape<M['output']>>;
  close(): void;
}

export function leanGrpcClient(opts: {
  endpoint: string;
  caPem: string;
  certPem: string;
  keyPem: string;
}): LeanClient {
  const session = http2.connect(`https://${opts.endpoint}`, {
    ca: opts.caPem,
    cert: opts.certPem,
    key: opts.keyPem,
  });
  session.on('error', () => undefined);
  return {
    unary(service, method, message) {
      const envelope = grpcEnvelope(toBinary(method.input, create(method.input, message)));
      return new Promise((resolve, reject) => {
        const req = session.request({
          ':method': 'POST',
          ':path': `/${service.typeName}/${method.name}`,
          'content-type': 'application/grpc+proto',
          te: 'trailers',
        });
        let status: string | undefined;
        let statusMessage = '';
        const chunks: Buffer[] = [];
        req.on('response', (headers) => {
          if (headers['grpc-status'] !== undefined) status = String(headers['grpc-status']);
          statusMessage = String(headers['grpc-message'] ?? '');
        });
        req.on('trailers', (trailers) => {
          status = String(trailers['grpc-status']);
          statusMessage = String(trailers['grpc-message'] ?? '');
        });
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('error', reject);
        req.on('end', () => {
          if (status !== '0')
            return reject(new Error(`grpc-status ${status}: ${decodeURIComponent(statusMessage)}`));
          const body = Buffer.concat(chunks);
          resolve(fromBinary(method.output, body.subarray(5, 5 + body.readUInt32BE(1))) as never);
        });
        req.end(envelope);
      });
    },
    close: () => session.close(),
  };
}
