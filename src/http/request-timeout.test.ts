import assert from 'node:assert/strict';
import { it } from 'node:test';
import Fastify from 'fastify';
import { registerRequestTimeout } from './request-timeout.js';

it('answers 503 request_timeout when a handler is too slow, and leaves opted-out routes alone', async () => {
  const app = Fastify();
  registerRequestTimeout(app, 50);
  app.get('/slow', () => new Promise((r) => setTimeout(() => r({ late: true }), 200)));
  app.get(
    '/stream',
    { config: { timeout: false } },
    () => new Promise((r) => setTimeout(() => r({ done: true }), 100)),
  );
  const slow = await app.inject({ method: 'GET', url: '/slow' });
  assert.equal(slow.statusCode, 503);
  assert.equal(slow.json().error.code, 'request_timeout');
  const stream = await app.inject({ method: 'GET', url: '/stream' });
  assert.equal(stream.statusCode, 200);
  await app.close();
});
