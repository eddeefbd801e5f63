import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error.js';
import type { ApiTokenService, Principal, Role } from '../auth/api-token-service.js';

/** Who may call a route: everyone, any token, or admin tokens only. Set as route `config.auth`. */
export type RouteAccess = 'public' | Role;

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAccess;
    /** false for streaming routes that may legitimately run longer than the request timeout. */
    timeout?: boolean;
    /**
     * The write changes only the caller's own state (its review marks), so a viewer may make it;
     * without this, viewer access is for reads only.
     */
    callersOwnState?: boolean;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

/**
 * Bearer API-token authentication. Routes are private unless they say `auth: 'public'`, so a
 * route that forgets to declare its access is locked, not open.
 */
export function registerAuth(app: FastifyInstance, tokens: ApiTokenService): void {
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.auth ?? 'admin';
    if (access === 'public' || request.routeOptions.url === undefined) return;
    request.principal = await authenticate(request, tokens);
    if (access === 'admin' && request.principal.role !== 'admin') {
      throw new AppError('forbidden', 'this operation needs an admin token');
    }
  });
}

/** The request's API token (for checks after the request was let in: live streams). */
export function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (!header)
    throw new AppError('unauthenticated', 'missing Authorization header (expected "Bearer <API token>")');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new AppError('unauthenticated', 'Authorization header must be "Bearer <API token>"');
  return match[1]!;
}

async function authenticate(request: FastifyRequest, tokens: ApiTokenService): Promise<Principal> {
  return tokens.authenticate(bearerToken(request));
}
