import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiTokenService } from '../auth/api-token-service.js';
import { bearerToken } from './auth.js';

export interface EventStream {
  /** Sends one message, after `stillAllowed` (at most once a second) says the caller may still read. */
  send(type: string, data: unknown): void;
  end(): void;
  /** Runs once when the stream ends, whoever ends it (the client, the route, shutdown). */
  onClose(fn: () => void): void;
}

const open = new WeakMap<FastifyInstance, Set<EventStream>>();

/** At build time (hooks cannot be added once the app is listening): closing ends open streams. */
export function registerEventStreams(app: FastifyInstance): void {
  const streams = new Set<EventStream>();
  open.set(app, streams);
  app.addHook('preClose', async () => streams.forEach((s) => s.end()));
}

/**
 * Server-sent events on a hijacked reply: a keep-alive comment every 15 s (proxies and the
 * server's idle timeout would otherwise cut a quiet stream), and every stream still open is ended
 * when the app closes, so shutdown does not wait for clients to hang up.
 */
export function openEventStream(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  /**
   * The caller's API token is checked again with each keep-alive and before messages (at most
   * once a second): a stream ends once its token is revoked or expired, here or by another process.
   */
  tokens: Pick<ApiTokenService, 'authenticate'>,
): EventStream {
  const token = bearerToken(request);
  const stillAllowed = () => tokens.authenticate(token);
  const streams = open.get(app);
  if (!streams) throw new Error('registerEventStreams was not called for this app');
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write('retry: 3000\n\n');
  const closers: (() => void)[] = [];
  let checkedAt = Date.now();
  // Writes go through one chain, so messages keep their order around the asynchronous check.
  let chain = Promise.resolve();
  const enqueue = (work: () => Promise<void> | void) =>
    void (chain = chain.then(work).catch(() => undefined));
  const allowed = async (force: boolean): Promise<boolean> => {
    if (!force && Date.now() - checkedAt < 1000) return true;
    checkedAt = Date.now();
    try {
      await stillAllowed();
      return true;
    } catch {
      res.end();
      return false;
    }
  };
  const stream: EventStream = {
    send: (type, data) =>
      enqueue(async () => {
        if (!res.writableEnded && (await allowed(false)))
          res.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
      }),
    end: () => enqueue(() => void res.end()),
    onClose: (fn) => void closers.push(fn),
  };
  const keepAlive = setInterval(
    () =>
      enqueue(async () => {
        if (!res.writableEnded && (await allowed(true))) res.write(': keep-alive\n\n');
      }),
    15_000,
  );
  streams.add(stream);
  res.on('close', () => {
    clearInterval(keepAlive);
    streams.delete(stream);
    closers.forEach((fn) => fn());
  });
  return stream;
}
