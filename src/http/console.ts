/**
 * The owner's console (web/, built into dist/web by `npm run build:web`), served by the service
 * itself at `/` with a history fallback: any GET for a page (not /api, /docs, /metrics or a health
 * probe) that accepts HTML gets index.html. A strict Content-Security-Policy: scripts, styles and
 * requests only to this origin; decrypted frames are drawn from blob: URLs in the page.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** dist/web, from src/http (tsx) and dist/http (build) alike. */
export const consoleRoot = () => fileURLToPath(new URL('../../dist/web', import.meta.url));

const API_PREFIXES = ['/api/', '/docs', '/metrics', '/healthz', '/readyz'];

const secure = (reply: FastifyReply) =>
  reply
    .header('content-security-policy', CONSOLE_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer');

export async function registerConsole(app: FastifyInstance, root = consoleRoot()): Promise<void> {
  if (!fs.existsSync(path.join(root, 'index.html'))) {
    app.get('/', { config: { auth: 'public' }, schema: { hide: true } }, async (_req, reply) =>
      reply
        .type('text/plain')
        .send(
          'uservm: the console is not built (npm run build:web). The API is at /api/v1, its documentation at /docs.',
        ),
    );
    return;
  }
  await app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...route.config, auth: 'public' };
    });
    await scope.register(fastifyStatic, {
      root,
      wildcard: false,
      index: ['index.html'],
      schemaHide: true,
      setHeaders: (res) => {
        res.setHeader('content-security-policy', CONSOLE_CSP);
        res.setHeader('x-content-type-options', 'nosniff');
        res.setHeader('referrer-policy', 'no-referrer');
      },
    });
  });
}

/** For the not-found handler: a page of the console gets index.html, anything else is not ours. */
export function consolePage(request: FastifyRequest, reply: FastifyReply, root = consoleRoot()): boolean {
  const url = request.url.split('?')[0]!;
  if (request.method !== 'GET' || API_PREFIXES.some((p) => url.startsWith(p))) return false;
  if (!(request.headers.accept ?? '').includes('text/html')) return false;
  const index = path.join(root, 'index.html');
  if (!fs.existsSync(index)) return false;
  void secure(reply).type('text/html; charset=utf-8').send(fs.createReadStream(index));
  return true;
}
