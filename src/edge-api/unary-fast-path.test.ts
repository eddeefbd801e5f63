import assert from 'node:assert/strict';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Code, ConnectError, createClient, createContextValues, type Interceptor } from '@connectrpc/connect';
import { connectNodeAdapter, createGrpcTransport } from '@connectrpc/connect-node';
import { EdgeService } from '../gen/guardian/edge/v1/edge_pb.js';
import { EventService } from '../gen/guardian/edge/v1/events_pb.js';
import { serveUnaryFirst, UnaryFastPath } from './unary-fast-path.js';

// A plain-text HTTP/2 server with the same composition as EdgeApiServer: fast path first, connect after.
describe('UnaryFastPath', () => {
  let server: http2.Http2Server;
  let url: string;
  const sessions = new Set<http2.ServerHttp2Session>();
  const seen = { connect: 0, intercepted: 0, handlerAborted: false };
  let fastPath: UnaryFastPath;

  before(async () => {
    const counting: Interceptor = (next) => async (req) => {
      seen.intercepted++;
      return next(req);
    };
    const fast = new UnaryFastPath({
      interceptors: [counting],
      readMaxBytes: 1024,
      contextValues: () => createContextValues(),
    });
    const connect = connectNodeAdapter({
      grpc: true,
      connect: false,
      grpcWeb: false,
      interceptors: [counting],
      routes: (router) => {
        const r = fast.recording(router);
        r.service(EdgeService, {
          async heartbeat(req, ctx) {
            if (req.softwareVersion === 'fail')
              throw new ConnectError('refusé: 100% sure', Code.PermissionDenied, {
                'uvm-error-code': 'edge_revoked',
              });
            if (req.softwareVersion === 'slow') {
              await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
              seen.handlerAborted = true;
            }
            ctx.responseHeader.set('x-answer', 'header');
            ctx.responseTrailer.set('x-answer', 'trailer');
            return { echoedSentAtMs: req.sentAtMs, nextHeartbeatSeconds: 15 };
          },
        });
        r.service(EventService, {
          async uploadClip(requests) {
            let bytes = 0;
            for await (const r of requests) if (r.part.case === 'chunk') bytes += r.part.value.length;
            return { eventId: `got ${bytes}` };
          },
        });
      },
    });
    server = http2.createServer((req, res) => {
      seen.connect++;
      connect(req, res);
    });
    serveUnaryFirst(server, fast);
    fastPath = fast;
    server.on('session', (session) => sessions.add(session));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    // The clients keep their connections open; close them so that the server can stop.
    for (const session of sessions) session.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const transport = () => createGrpcTransport({ baseUrl: url });

  it('answers unary calls itself, through the interceptors, with headers and trailers', async () => {
    const before = { ...seen, fast: fastPath.served };
    let header: Headers | undefined;
    let trailer: Headers | undefined;
    const res = await createClient(EdgeService, transport()).heartbeat(
      { sentAtMs: 42n },
      { onHeader: (h) => (header = h), onTrailer: (t) => (trailer = t) },
    );
    assert.equal(res.echoedSentAtMs, 42n);
    assert.equal(res.nextHeartbeatSeconds, 15);
    assert.equal(header?.get('x-answer'), 'header');
    assert.equal(trailer?.get('x-answer'), 'trailer');
    assert.equal(fastPath.served, before.fast + 1);
    assert.equal(seen.connect, before.connect, 'the request handler never saw it');
    assert.equal(seen.intercepted, before.intercepted + 1);
  });

  it('sends errors as gRPC statuses with their message and metadata intact', async () => {
    const err = await createClient(EdgeService, transport())
      .heartbeat({ softwareVersion: 'fail' })
      .then(() => assert.fail('should fail'), ConnectError.from);
    assert.equal(err.code, Code.PermissionDenied);
    assert.equal(err.rawMessage, 'refusé: 100% sure');
    assert.equal(err.metadata.get('uvm-error-code'), 'edge_revoked');
  });

  it("honours the client's deadline and aborts the handler's signal", async () => {
    const err = await createClient(EdgeService, transport())
      .heartbeat({ softwareVersion: 'slow' }, { timeoutMs: 100 })
      .then(() => assert.fail('should time out'), ConnectError.from);
    assert.equal(err.code, Code.DeadlineExceeded);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(seen.handlerAborted, true);
  });

  it('refuses a message over readMaxBytes with RESOURCE_EXHAUSTED', async () => {
    const err = await createClient(EdgeService, transport())
      .heartbeat({ softwareVersion: 'x'.repeat(2000) })
      .then(() => assert.fail('should be refused'), ConnectError.from);
    assert.equal(err.code, Code.ResourceExhausted);
  });

  it('leaves streaming calls to connect', async () => {
    const before = seen.connect;
    const res = await createClient(EventService, transport()).uploadClip(
      (async function* () {
        yield { part: { case: 'chunk' as const, value: new Uint8Array(10) } };
        yield { part: { case: 'chunk' as const, value: new Uint8Array(5) } };
      })(),
    );
    assert.equal(res.eventId, 'got 15');
    assert.equal(seen.connect, before + 1);
  });
});
