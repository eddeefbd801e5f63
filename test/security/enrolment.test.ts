// A single-use token raced by two enrolments must not hang the service,
// and a bootstrap token must not take over an existing edge by naming it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import path from 'node:path';
import { Code } from '@connectrpc/connect';
import { grpcError } from '../../src/test-support/grpc.js';
import { enrolOverGrpc } from '../../src/test-support/edge.js';
import { testService } from '../../src/test-support/service.js';

let ctx: Awaited<ReturnType<typeof testService>>;
let endpoint = '';

before(async () => {
  // strictTransactions off: the service as shipped, where only the bounded wait protects it.
  ctx = await testService({ 'edgeApi.port': 0, 'database.strictTransactions': false });
  await ctx.service.edges.start();
  endpoint = `127.0.0.1:${ctx.service.edges.grpcAddress!.port}`;
});
after(() => ctx.close());

const token = async (opts: Parameters<typeof ctx.service.edges.bootstrapTokens.create>[0]) =>
  (await ctx.service.edges.bootstrapTokens.create(opts)).token;

const enroll = (name: string, bootstrapToken: string) =>
  enrolOverGrpc({ endpoint, caPem: ctx.service.edges.ca.certPem }, name, bootstrapToken);

const settle = <T>(p: Promise<T>) =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (err: unknown) => ({ ok: false as const, err }),
  );

describe('security: enrolment', () => {
  it('two enrolments racing for one single-use token: one wins, the other is told, nothing hangs', async () => {
    const t = await token({ name: 'race' });
    const results = await Promise.all([settle(enroll('race-a', t)), settle(enroll('race-b', t))]);
    assert.equal(results.filter((r) => r.ok).length, 1, 'exactly one enrolment');
    const lost = results.find((r) => !r.ok)!;
    const err = await grpcError(Promise.reject(lost.err as Error));
    assert.equal(err.code, Code.Unauthenticated);
    assert.match(err.rawMessage, /used 1 of 1/);

    const started = Date.now();
    const jobs = await ctx.service.http.inject({
      method: 'GET',
      url: '/api/v1/jobs',
      headers: { authorization: `Bearer ${ctx.adminToken}` },
    });
    assert.equal(jobs.statusCode, 200);
    assert.ok(Date.now() - started < 2000, 'REST answers at once');
    // Another process can write (the CLI's 'database is locked' before).
    const other = new BetterSqlite3(path.join(ctx.dataDir, 'uservm.sqlite'), { timeout: 2000 });
    other.prepare("UPDATE bootstrap_tokens SET name = 'race-done' WHERE name = 'race'").run();
    other.close();
    const winner = results.find((r) => r.ok)!;
    if (winner.ok) await winner.value.edge.heartbeat({});
  });

  it('a token with 3 uses and 10 concurrent enrolments enrols exactly 3 edges', async () => {
    const t = await token({ name: 'burst', maxUses: 3 });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => settle(enroll(`burst-${i}`, t))));
    assert.equal(results.filter((r) => r.ok).length, 3);
    const view = (await ctx.service.edges.bootstrapTokens.list()).find((v) => v.name === 'burst')!;
    assert.equal(view.useCount, 3);
    assert.equal(view.state, 'used_up');
  });

  it('two concurrent enrolments of one new name with two tokens: one edge, the other refused with ALREADY_EXISTS', async () => {
    const [a, b] = [await token({ name: 'n1' }), await token({ name: 'n2' })];
    const results = await Promise.all([settle(enroll('same-name', a)), settle(enroll('same-name', b))]);
    assert.equal(results.filter((r) => r.ok).length, 1);
    const err = await grpcError(Promise.reject(results.find((r) => !r.ok)!.err as Error));
    assert.equal(err.code, Code.AlreadyExists);
    const tokens = await ctx.service.edges.bootstrapTokens.list();
    assert.equal(
      tokens.filter((v) => (v.name === 'n1' || v.name === 'n2') && v.useCount === 1).length,
      1,
      'the refused enrolment used no token',
    );
  });

  it('any other token cannot take over an existing edge by its name', async () => {
    const victim = await enroll('victim', await token({ name: 'v', allowedCameras: ['cam-v'] }));
    const attacker = await grpcError(enroll('victim', await token({ name: 'stolen' })));
    assert.equal(attacker.code, Code.AlreadyExists);
    assert.match(attacker.rawMessage, /already enrolled.*re-enrolment token/);
    await victim.edge.heartbeat({}); // still connected, not superseded
    const row = await ctx.service.edges.registry.get(victim.res.edgeId);
    assert.deepEqual(row.allowedCameras, ['cam-v'], 'allowed cameras untouched');
  });

  it('a revoked edge does not come back with a plain token; a re-enrolment token made for it does', async () => {
    const first = await enroll('revived', await token({ name: 'r', allowedCameras: ['cam-r'] }));
    await ctx.service.edges.registry.revoke(first.res.edgeId, 'stolen');
    const plain = await grpcError(enroll('revived', await token({ name: 'plain' })));
    assert.equal(plain.code, Code.AlreadyExists);
    assert.equal((await ctx.service.edges.registry.get(first.res.edgeId)).status, 'revoked');

    const forOther = await token({ name: 'other', reenrollEdgeId: first.res.edgeId });
    const wrong = await grpcError(enroll('some-new-name', forOther));
    assert.equal(wrong.code, Code.PermissionDenied);
    assert.match(wrong.rawMessage, /only re-enrols the edge named "revived"/);

    const again = await enroll('revived', forOther);
    assert.equal(again.res.edgeId, first.res.edgeId);
    assert.deepEqual(again.res.allowedCameras, ['cam-r'], 'keeps its own allowed cameras');
    await again.edge.heartbeat({});
  });

  it('a re-enrolment token must be single use and name an existing edge', async () => {
    await assert.rejects(
      ctx.service.edges.bootstrapTokens.create({ name: 'x', reenrollEdgeId: 'nope' }),
      /does not exist/,
    );
    const e = await enroll('single', await token({ name: 's' }));
    await assert.rejects(
      ctx.service.edges.bootstrapTokens.create({ name: 'x', reenrollEdgeId: e.res.edgeId, maxUses: 2 }),
      /single use/,
    );
  });
});
