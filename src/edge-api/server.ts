import { createHash } from 'node:crypto';
import http2 from 'node:http2';
import type { TLSSocket } from 'node:tls';
import { createContextValues, type ConnectRouter, type Interceptor } from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import type { Logger } from '../logging/logger.js';
import { peerCertificateKey } from './context.js';
import { serveUnaryFirst, UnaryFastPath } from './unary-fast-path.js';
import type { PeerCertificate } from '../edges/edge-identity.js';

/** Peer facts are per TLS connection, so they are computed once per socket, not per call. */
const peers = new WeakMap<object, PeerCertificate>();
function peerOf(socket: TLSSocket, key: object): PeerCertificate {
  let peer = peers.get(key);
  if (!peer) {
    const cert = socket.getPeerCertificate?.();
    const raw = cert && 'raw' in cert ? cert.raw : undefined;
    peer = {
      authorized: socket.authorized === true,
      fingerprint: raw ? createHash('sha256').update(raw).digest('hex') : null,
      remoteAddress: socket.remoteAddress ?? null,
    };
    peers.set(key, peer);
  }
  return peer;
}

/**
 * HTTP/2 receive windows. The defaults (64 KiB per stream and per connection) make an uploading
 * edge wait for a WINDOW_UPDATE every 64 KiB, which caps clip and dataset uploads far below the
 * link. Larger windows let that much unread data queue per stream/connection, so they also bound
 * the memory a slow handler can be made to hold.
 */
const STREAM_WINDOW_BYTES = 1024 * 1024;
const SESSION_WINDOW_BYTES = 4 * 1024 * 1024;

export interface EdgeApiServerOptions {
  host: string;
  port: number;
  certPem: string;
  keyPem: string;
  caPem: string;
  routes: (router: ConnectRouter) => void;
  interceptors: Interceptor[];
  /** Largest message accepted, bytes (uploads stream in chunks below this). */
  readMaxBytes?: number;
  /** Unary calls through the lean path (default) rather than connect-node's adapter. */
  fastUnary?: boolean;
}

/**
 * The edge gRPC API: real gRPC over HTTP/2 with TLS. Client certificates are requested but not
 * required at the TLS layer, because enrollment must work before an edge has one; every other call
 * is refused by the identity interceptor unless the certificate chains to our CA and maps to an
 * active edge. Sessions are tracked by certificate so a revoked edge's open connections can be cut.
 */
export class EdgeApiServer {
  private server: http2.Http2SecureServer | undefined;
  private readonly sessions = new Map<http2.ServerHttp2Session, string | null>();

  constructor(
    private readonly options: EdgeApiServerOptions,
    private readonly log: Logger,
  ) {}

  async start(): Promise<{ host: string; port: number }> {
    const readMaxBytes = this.options.readMaxBytes ?? 8 * 1024 * 1024;
    // The session is the stable per-connection key (a compat request's socket is a fresh proxy).
    const contextValues = (stream: http2.ServerHttp2Stream) => {
      const session = stream.session;
      const socket = (session?.socket ?? {}) as TLSSocket;
      return createContextValues().set(peerCertificateKey, peerOf(socket, session ?? stream));
    };
    const fast =
      this.options.fastUnary === false
        ? undefined
        : new UnaryFastPath({ interceptors: this.options.interceptors, readMaxBytes, contextValues });
    const connectHandler = connectNodeAdapter({
      routes: fast ? (router) => this.options.routes(fast.recording(router)) : this.options.routes,
      interceptors: this.options.interceptors,
      grpc: true,
      grpcWeb: false,
      connect: false,
      readMaxBytes,
      // No gzip: what edges exchange in bulk (JPEG frames, age ciphertext, ONNX weights) does not
      // compress, and gzipping model downloads was most of the server's CPU (zlib threads).
      acceptCompression: [],
      contextValues: (req) => contextValues((req as http2.Http2ServerRequest).stream),
    });
    const server = http2.createSecureServer(
      {
        cert: this.options.certPem,
        key: this.options.keyPem,
        ca: [this.options.caPem],
        requestCert: true,
        rejectUnauthorized: false,
        minVersion: 'TLSv1.2',
        settings: { initialWindowSize: STREAM_WINDOW_BYTES },
      },
      connectHandler,
    );
    if (fast) serveUnaryFirst(server, fast);
    server.on('session', (session) => {
      session.setLocalWindowSize(SESSION_WINDOW_BYTES);
      this.sessions.set(session, peerOf(session.socket as TLSSocket, session).fingerprint);
      session.once('close', () => this.sessions.delete(session));
    });
    server.on('sessionError', (err) => this.log.debug({ err }, 'edge API session error'));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    const bound =
      typeof address === 'object' && address
        ? { host: address.address, port: address.port }
        : { host: this.options.host, port: this.options.port };
    this.log.info({ address: `${bound.host}:${bound.port}` }, 'edge gRPC API listening (mTLS)');
    return bound;
  }

  /** Closes every open connection made with one of these certificates (revocation). */
  dropSessions(fingerprints: Set<string>): number {
    let dropped = 0;
    for (const [session, fingerprint] of this.sessions) {
      if (fingerprint && fingerprints.has(fingerprint)) {
        session.destroy();
        dropped++;
      }
    }
    return dropped;
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const session of this.sessions.keys()) session.close();
    // Sessions that do not finish their streams in time are destroyed.
    const timer = setTimeout(() => this.sessions.forEach((_, s) => s.destroy()), 5_000);
    await closed;
    clearTimeout(timer);
  }
}
