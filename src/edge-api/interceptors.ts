import type { Interceptor } from '@connectrpc/connect';
import type { EdgeIdentityResolver } from '../edges/edge-identity.js';
import type { Logger } from '../logging/logger.js';
import { EnrollmentService } from '../gen/guardian/edge/v1/enrollment_pb.js';
import { edgeIdentityKey, peerCertificateKey } from './context.js';
import { toConnectError } from './errors.js';
import type { Histogram } from 'prom-client';

/** Services reachable without a client certificate. */
const PUBLIC_SERVICES = new Set([EnrollmentService.typeName]);

/** Authenticates the caller on every call (so revocation bites on open connections too). */
export function identityInterceptor(resolver: EdgeIdentityResolver, log: Logger): Interceptor {
  return (next) => async (req) => {
    try {
      if (!PUBLIC_SERVICES.has(req.service.typeName)) {
        const peer = req.contextValues.get(peerCertificateKey);
        // Nearly every call is a cache hit: answered without a promise.
        const identity = resolver.resolveCached(peer) ?? (await resolver.resolve(peer));
        req.contextValues.set(edgeIdentityKey, identity);
      }
      const res = await next(req);
      // Server-streaming handlers fail while they are iterated, after this interceptor returned.
      if (res.stream) return { ...res, message: mapStreamErrors(res.message, log) };
      return res;
    } catch (err) {
      throw toConnectError(err, log);
    }
  };
}

async function* mapStreamErrors<T>(messages: AsyncIterable<T>, log: Logger): AsyncIterable<T> {
  try {
    yield* messages;
  } catch (err) {
    throw toConnectError(err, log);
  }
}

/** gRPC call latency by service, method and status code, for /metrics. */
export function metricsInterceptor(histogram: Histogram<'service' | 'method' | 'code'>): Interceptor {
  // The 'ok' series of each method, looked up once: `labels()` builds its label set and two
  // closures on every call, measurable garbage at thousands of heartbeats a second.
  const okSeries = new WeakMap<object, { observe(value: number): void }>();
  return (next) => async (req) => {
    const started = performance.now();
    let code = 'ok';
    try {
      return await next(req);
    } catch (err) {
      code = String((err as { code?: unknown }).code ?? 'unknown');
      throw err;
    } finally {
      const seconds = (performance.now() - started) / 1000;
      if (code === 'ok') {
        let series = okSeries.get(req.method);
        if (!series) {
          series = histogram.labels(req.service.typeName, req.method.name, 'ok');
          okSeries.set(req.method, series);
        }
        series.observe(seconds);
      } else {
        histogram.labels(req.service.typeName, req.method.name, code).observe(seconds);
      }
    }
  };
}
