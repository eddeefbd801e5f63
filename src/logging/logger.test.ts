import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { it } from 'node:test';
import Fastify from 'fastify';
import { createLogger, redactQuery } from './logger.js';

it('request logs keep query parameter names but never their values', async () => {
  const out = new PassThrough();
  const lines: string[] = [];
  out.on('data', (c: Buffer) => lines.push(c.toString()));
  const app = Fastify({ loggerInstance: createLogger({ level: 'info', format: 'json' }, out) });
  app.get('/x', async () => ({ ok: true }));
  await app.inject({ url: '/x?access_token=uvm_secret_value&limit=5' });
  await app.close();
  await new Promise((r) => setImmediate(r));
  const log = lines.join('');
  assert.match(log, /incoming request/);
  assert.match(log, /\/x\?access_token=\*\*\*&limit=\*\*\*/);
  assert.ok(!log.includes('uvm_secret_value'), 'the token value is not logged');
  assert.equal(redactQuery('/a'), '/a');
});
