import { consolePage, registerConsole } from './console.js';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from '../config/schema.js';
import { AppError } from '../errors/app-error.js';
import type { Logger } from '../logging/logger.js';
import { registerAuth } from './auth.js';
import { errorHandler } from './error-handler.js';
import { registerFiniteNumbers } from './finite-numbers.js';
import { registerRequestTimeout } from './request-timeout.js';
import { registerEventStreams } from './sse.js';
import type { RouteDeps, TypedApp } from './routes/deps.js';
import { registerRoutes } from './routes/index.js';
import { ErrorBody } from './schemas.js';

const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;

/** Node's HTTP parser refused the request before Fastify saw it: answer as JSON and close. */
function rawClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable) return void socket.destroy();
  const error =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? new AppError('headers_too_large')
      : new AppError('bad_request', 'the HTTP request could not be parsed');
  const body = JSON.stringify({ error: { code: error.code, message: error.message } });
  socket.end(
    `HTTP/1.1 ${error.httpStatus} ${STATUS_CODES[error.httpStatus]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Builds the REST gateway: no listening here, so tests drive it with inject(). */
export async function buildHttpApp(
  server: Config['server'],
  log: Logger,
  deps: RouteDeps,
): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: log,
    bodyLimit: server.bodyLimitBytes,
    // Bounds receiving the whole request (slow-loris); handler time is bounded by request-timeout.ts.
    requestTimeout: server.requestTimeoutMs,
    trustProxy: server.trustProxy,
    return503OnClosing: true,
    requestIdHeader: false, // genReqId reads (and vets) x-request-id itself
    // Take the caller's request id when it is sane (to follow a request across services), else make one.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID_RE.test(given) ? given : randomUUID();
    },
    // Fastify's and Node's own refusals (bad URL, over-long path parameter, a request the HTTP
    // parser rejects) answer in the same JSON error format as everything else.
    frameworkErrors: (err, request, reply) =>
      errorHandler(
        err.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? new AppError('uri_too_long', 'a path parameter is longer than 100 characters')
          : new AppError('bad_request', err.message),
        request,
        reply,
      ),
    clientErrorHandler: rawClientError,
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true },
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addSchema(ErrorBody);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => {
    if (consolePage(request, reply)) return reply;
    return errorHandler(
      new AppError('route_not_found', `no route ${request.method} ${request.url.split('?')[0]}`),
      request,
      reply,
    );
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    deps.metrics.httpDuration
      .labels(request.method, route, String(reply.statusCode))
      .observe(reply.elapsedTime / 1000);
  });
  // Document the bearer requirement on every private route, derived from the same config the auth hook reads.
  app.addHook('onRoute', (route) => {
    // The API documentation (Swagger UI and the OpenAPI document) is public.
    if (route.url.startsWith('/docs')) route.config = { ...route.config, auth: 'public' };
    // A viewer token is read-only by definition: refuse at start a write route that lets it in.
    const methods = [route.method].flat();
    const writes = methods.some((m) => m !== 'GET' && m !== 'HEAD');
    if (route.config?.auth === 'viewer' && writes && !route.config.callersOwnState)
      throw new Error(`${methods.join(',')} ${route.url}: viewer access is for reads only`);
    if ((route.config?.auth ?? 'admin') === 'public') return;
    route.schema = { ...route.schema, security: [{ bearerAuth: [] }] };
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'User VM API',
        version: deps.version,
        description:
          'REST API of the camera anomaly and threat detection hub. Authenticate with `Authorization: Bearer <API token>`.',
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'API token (uvm_...)' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true } });
  // The timeout first, so it also bounds authentication (a token lookup waits for the database).
  registerRequestTimeout(app as unknown as FastifyInstance, server.requestTimeoutMs);
  registerAuth(app as unknown as FastifyInstance, deps.tokens);
  registerFiniteNumbers(app as unknown as FastifyInstance);
  registerEventStreams(app as unknown as FastifyInstance);
  registerRoutes(app as unknown as TypedApp, deps);
  await registerConsole(app as unknown as FastifyInstance);
  return app as unknown as FastifyInstance;
}
