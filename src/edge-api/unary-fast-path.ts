import type http2 from 'node:http2';
import {
  create,
  fromBinary,
  isMessage,
  toBinary,
  type DescMessage,
  type DescMethodUnary,
  type DescService,
} from '@bufbuild/protobuf';
import {
  Code,
  ConnectError,
  type ConnectRouter,
  type ContextValues,
  type HandlerContext,
  type Interceptor,
  type UnaryRequest,
  type UnaryResponse,
} from '@connectrpc/connect';
import { FastUnaryRequest, FastUnaryResponse, UnaryHandlerContext } from './unary-call-objects.js';
import { UnaryCallState } from './unary-call-state.js';

type UnaryImpl = (request: unknown, context: HandlerContext) => unknown;
type UnaryNext = (req: UnaryRequest) => Promise<UnaryResponse>;

interface FastRoute {
  service: DescService;
  method: DescMethodUnary;
  /** The implementation wrapped in the same interceptors connect applies. */
  call: UnaryNext;
}

export interface UnaryFastPathOptions {
  interceptors: Interceptor[];
  readMaxBytes: number;
  contextValues: (stream: http2.ServerHttp2Stream) => ContextValues;
}

type StreamListener = (
  stream: http2.ServerHttp2Stream,
  headers: http2.IncomingHttpHeaders,
  flags: number,
  rawHeaders: string[],
) => void;

/**
 * Puts `fast` in front of an HTTP/2 server made with a request handler: the streams it serves never
 * get the compatibility layer's request and response objects (two streams' worth of state per call,
 * most of the garbage a heartbeat made); every other stream goes on to the request handler.
 */
export function serveUnaryFirst(
  server: http2.Http2Server | http2.Http2SecureServer,
  fast: UnaryFastPath,
): void {
  // The compatibility layer listens to 'stream' and emits 'request' (node:http2 setupCompat).
  const compat = server.listeners('stream') as StreamListener[];
  server.removeAllListeners('stream');
  server.on('stream', ((stream, headers, flags, rawHeaders) => {
    if (fast.handle(stream, headers)) return;
    for (const listener of compat) listener.call(server, stream, headers, flags, rawHeaders);
  }) as StreamListener);
}

const GRPC_CONTENT_TYPES = new Set(['application/grpc', 'application/grpc+proto']);
// Shared by every call that adds no headers or trailers of its own (node:http2 copies them).
const RESPONSE_HEADERS = new Map(
  [...GRPC_CONTENT_TYPES].map((type) => [type, Object.freeze({ ':status': 200, 'content-type': type })]),
);
const OK_TRAILERS = Object.freeze({ 'grpc-status': '0' });

function responseHeadersFor(contentType: string): http2.OutgoingHttpHeaders {
  return RESPONSE_HEADERS.get(contentType) ?? { ':status': 200, 'content-type': contentType };
}
const TIMEOUT_UNITS: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 1e-3, n: 1e-6 };

/**
 * A lean server for unary gRPC calls (gRPC protocol, binary protobuf, no compression), in front of
 * connect-node's adapter, which still serves every streaming call and any request this path does
 * not take (other content types, compressed messages). The same handlers run with the same
 * interceptors (identity, metrics) and the same error mapping.
 *
 * Why: connect-node's generic machinery (async iterables over the request and response, two
 * AbortControllers and a DOMException per call, header conversions) cost ~600 us of CPU per
 * heartbeat, several times the call itself, and capped heartbeats below the 2,000/s target on two
 * cores (docs/BENCHMARKS.md, bench/edge-api).
 */
export class UnaryFastPath {
  private readonly routes = new Map<string, FastRoute>();
  /** Calls this path has taken (the rest went to connect). */
  served = 0;

  constructor(private readonly options: UnaryFastPathOptions) {}

  /** A router that registers with connect as usual and also records each unary method here. */
  recording(router: ConnectRouter): ConnectRouter {
    const routes = this.routes;
    const interceptors = this.options.interceptors;
    return new Proxy(router, {
      get(target, prop, receiver) {
        if (prop !== 'service') return Reflect.get(target, prop, receiver);
        return (service: DescService, impl: Record<string, UnaryImpl | undefined>, opts?: unknown) => {
          for (const method of service.methods) {
            const fn = impl[method.localName];
            if (method.methodKind !== 'unary' || typeof fn !== 'function') continue;
            const inner: UnaryNext = async (req) => {
              const ctx = (req as FastUnaryRequest).handlerContext;
              const result = await fn.call(impl, req.message, ctx);
              const message = isMessage(result, method.output)
                ? result
                : create(method.output, result as never);
              return new FastUnaryResponse(service, method as DescMethodUnary, message, ctx);
            };
            // connect applies the first interceptor outermost; so does this.
            const call = interceptors.reduceRight<UnaryNext>((next, i) => i(next as never) as never, inner);
            routes.set(`/${service.typeName}/${method.name}`, {
              service,
              method: method as DescMethodUnary,
              call,
            });
          }
          return target.service(service as never, impl as never, opts as never);
        };
      },
    });
  }

  /** Serves the stream when it is a unary gRPC call this path knows; returns false otherwise. */
  handle(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): boolean {
    const route = this.routes.get(headers[':path'] ?? '');
    if (!route || headers[':method'] !== 'POST') return false;
    const contentType = headers['content-type'];
    if (!contentType || !GRPC_CONTENT_TYPES.has(contentType)) return false;
    const encoding = headers['grpc-encoding'];
    if (encoding && encoding !== 'identity') return false;
    this.served++;
    // A reset by the client surfaces as 'error' on the stream; without a listener it would throw.
    stream.on('error', () => {});
    const chunks: Buffer[] = [];
    let size = 0;
    const limit = this.options.readMaxBytes + 5;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      // Over the limit: answer RESOURCE_EXHAUSTED now rather than read the rest of the body.
      stream.off('data', onData);
      stream.off('end', onEnd);
      void this.serve(route, stream, headers, contentType, Buffer.alloc(0), size);
    };
    const onEnd = () =>
      void this.serve(route, stream, headers, contentType, Buffer.concat(chunks, size), size);
    stream.on('data', onData);
    stream.on('end', onEnd);
    return true;
  }

  private async serve(
    route: FastRoute,
    stream: http2.ServerHttp2Stream,
    headers: http2.IncomingHttpHeaders,
    contentType: string,
    body: Buffer,
    size: number,
  ): Promise<void> {
    const state = new UnaryCallState(stream, headers);
    const timeoutMs = parseTimeout(headers['grpc-timeout']);
    const deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    try {
      const message = this.decode(route.method.input, body, size);
      const values = this.options.contextValues(stream);
      const url = `https://${headers[':authority'] ?? 'localhost'}${headers[':path']}`;
      const handlerContext = new UnaryHandlerContext(
        route.service,
        route.method,
        url,
        values,
        state,
        deadline,
      );
      const request = new FastUnaryRequest(route.service, route.method, url, message, handlerContext);
      const pending = route.call(request);
      const response = await (timeoutMs === undefined
        ? pending
        : Promise.race([
            pending,
            new Promise<never>((_, reject) => {
              timer = setTimeout(() => {
                const reason = new ConnectError('the deadline passed', Code.DeadlineExceeded);
                state.abort(reason);
                reject(reason);
              }, timeoutMs);
            }),
          ]));
      if (stream.destroyed) return;
      const envelope = grpcEnvelope(toBinary(route.method.output, response.message));
      state.finished = true;
      const trailers = state.responseTrailers
        ? { ...OK_TRAILERS, ...fromHeaders(state.responseTrailers) }
        : OK_TRAILERS;
      stream.respond(
        state.responseHeaders
          ? { ...responseHeadersFor(contentType), ...fromHeaders(state.responseHeaders) }
          : responseHeadersFor(contentType),
        { waitForTrailers: true },
      );
      stream.once('wantTrailers', () => stream.sendTrailers(trailers));
      stream.end(envelope);
    } catch (err) {
      if (stream.destroyed || stream.headersSent) return;
      state.finished = true;
      const error = ConnectError.from(err);
      // Trailers-only response: the status travels in the only HEADERS frame.
      stream.respond(
        {
          ':status': 200,
          'content-type': contentType,
          ...fromHeaders(error.metadata),
          'grpc-status': String(error.code),
          'grpc-message': encodeGrpcMessage(error.rawMessage),
        },
        { endStream: true },
      );
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  private decode(schema: DescMessage, body: Buffer, size: number) {
    if (size > this.options.readMaxBytes + 5)
      throw new ConnectError(
        `message size ${size - 5} is larger than configured readMaxBytes ${this.options.readMaxBytes}`,
        Code.ResourceExhausted,
      );
    if (body.length < 5)
      throw new ConnectError('protocol error: missing request message', Code.Unimplemented);
    if (body[0]! & 1) throw new ConnectError('compressed messages are not accepted', Code.Internal);
    const length = body.readUInt32BE(1);
    if (body.length !== 5 + length)
      throw new ConnectError('protocol error: a unary call carries exactly one message', Code.Unimplemented);
    try {
      return fromBinary(schema, body.subarray(5));
    } catch (err) {
      throw new ConnectError(
        `the request message does not parse: ${(err as Error).message}`,
        Code.InvalidArgument,
      );
    }
  }
}

/** One uncompressed gRPC length-prefixed message: flags byte 0, 4-byte big-endian length, bytes. */
export function grpcEnvelope(message: Uint8Array): Buffer {
  const envelope = Buffer.allocUnsafe(5 + message.length);
  envelope[0] = 0;
  envelope.writeUInt32BE(message.length, 1);
  envelope.set(message, 5);
  return envelope;
}

/** gRPC's `grpc-timeout` header: an integer and a unit (H, M, S, m, u, n). */
function parseTimeout(value: string | string[] | undefined): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d{1,8})([HMSmun])$/.exec(value);
  return match ? Number(match[1]) * TIMEOUT_UNITS[match[2]!]! : undefined;
}

/** grpc-message is percent-encoded outside printable ASCII (and '%' itself). */
function encodeGrpcMessage(message: string): string {
  return encodeURIComponent(message).replace(/%(2[0-9A-F]|3[0-9A-F]|[4-6][0-9A-F]|7[0-9A-E])/g, (m) =>
    m === '%25' ? m : String.fromCharCode(parseInt(m.slice(1), 16)),
  );
}

function fromHeaders(headers: Headers | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  headers?.forEach((value, name) => {
    out[name] = value;
  });
  return out;
}
