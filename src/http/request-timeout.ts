import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors/app-error.js';
import { errorHandler } from './error-handler.js';

/**
 * Answers 503 request_timeout when a handler has not replied within `timeoutMs`. (Node's own
 * requestTimeout only bounds receiving the request.) Streaming routes opt out with
 * `config.timeout: false`; their sockets are bounded by the server's idle timeout instead.
 */
export function registerRequestTimeout(app: FastifyInstance, timeoutMs: number): void {
  const timers = new WeakMap<object, NodeJS.Timeout>();
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config.timeout === false) return;
    const timer = setTimeout(() => {
      if (reply.sent) return;
      errorHandler(
        new AppError('request_timeout', `the request took longer than ${timeoutMs} ms`),
        request,
        reply,
      );
    }, timeoutMs);
    timers.set(request, timer);
  });
  app.addHook('onResponse', async (request) => clearTimeout(timers.get(request)));
  app.addHook('onRequestAbort', async (request) => clearTimeout(timers.get(request)));
}
