import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InjectOptions } from 'fastify';
import { testService } from '../test-support/service.js';

let ctx: Awaited<ReturnType<typeof testService>>;
let viewerToken = '';
const auth = (token: string) => ({ authorization: `Bearer ${token}` });

before(async () => {
  ctx = await testService(
    { 'server.bodyLimitBytes': 1024 },
    {
      registerJobs: (r) => r.register({ type: 'test.echo', handler: async (c) => c.payload }),
    },
  );
  viewerToken = (await ctx.service.tokens.create({ name: 'viewer', role: 'viewer' })).token;
});
after(() => ctx.close());

const inject = (opts: InjectOptions) => ctx.service.http.inject(opts);

describe('REST gateway: health and docs', () => {
  it('answers /healthz without a token', async () => {
    const res = await inject({ method: 'GET', url: '/healthz' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().status, 'ok');
  });

  it('reports each dependency on /readyz', async () => {
    const res = await inject({ method: 'GET', url: '/readyz' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().checks.database.status, 'up');
    assert.equal(res.json().checks.blob_store.status, 'up');
  });

  it('serves the OpenAPI document and Swagger UI publicly, with bearer auth documented', async () => {
    const doc = await inject({ method: 'GET', url: '/docs/json' });
    assert.equal(doc.statusCode, 200);
    const spec = doc.json();
    assert.ok(spec.paths['/api/v1/tokens'].post);
    assert.deepEqual(spec.paths['/api/v1/tokens'].post.security, [{ bearerAuth: [] }]);
    assert.equal(spec.paths['/healthz'].get.security, undefined);
    const ui = await inject({ method: 'GET', url: '/docs/' });
    assert.equal(ui.statusCode, 200);
    assert.match(ui.body, /swagger/i);
  });

  it('exposes Prometheus metrics with route templates, not raw URLs', async () => {
    await inject({ method: 'GET', url: '/api/v1/jobs/abc', headers: auth(viewerToken) });
    const res = await inject({ method: 'GET', url: '/metrics' });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /text\/plain/);
    assert.match(
      res.body,
      /uservm_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/jobs\/:id",status_code="404"\} 1/,
    );
    assert.match(res.body, /^# TYPE uservm_jobs gauge$/m);
    assert.doesNotMatch(res.body, /route="\/api\/v1\/jobs\/abc"/);
  });

  it('echoes a sane x-request-id and replaces an unsafe one', async () => {
    const given = await inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
    assert.equal(given.headers['x-request-id'], 'abc-123');
    const unsafe = await inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'bad id with spaces' },
    });
    assert.notEqual(unsafe.headers['x-request-id'], 'bad id with spaces');
  });
});

describe('REST gateway: authentication and errors', () => {
  it('refuses a missing, malformed, unknown or revoked token with 401 and a code', async () => {
    const cases: [Record<string, string>, string][] = [
      [{}, 'unauthenticated'],
      [{ authorization: 'Basic abc' }, 'unauthenticated'],
      [{ authorization: 'Bearer nonsense' }, 'token_invalid'],
      [{ authorization: `Bearer uvm_aaaaaaaaaa_${'A'.repeat(43)}` }, 'token_invalid'],
    ];
    for (const [headers, code] of cases) {
      const res = await inject({ method: 'GET', url: '/api/v1/jobs', headers });
      assert.equal(res.statusCode, 401, JSON.stringify(headers));
      assert.equal(res.json().error.code, code);
      assert.ok(res.json().error.requestId);
    }
  });

  it('lets a viewer read but not change things (403)', async () => {
    assert.equal(
      (await inject({ method: 'GET', url: '/api/v1/jobs', headers: auth(viewerToken) })).statusCode,
      200,
    );
    const res = await inject({ method: 'GET', url: '/api/v1/tokens', headers: auth(viewerToken) });
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().error.code, 'forbidden');
  });

  it('creates a token through the API that works, and revokes it', async () => {
    const created = await inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: auth(ctx.adminToken),
      payload: { name: 'grafana', role: 'viewer' },
    });
    assert.equal(created.statusCode, 201);
    const { token, id } = created.json();
    assert.equal(
      (await inject({ method: 'GET', url: '/api/v1/jobs', headers: auth(token) })).statusCode,
      200,
    );
    const listed = await inject({ method: 'GET', url: '/api/v1/tokens', headers: auth(ctx.adminToken) });
    assert.ok(!listed.body.includes(token.slice('uvm_'.length + 11)), 'listing never shows the secret');
    assert.equal(
      (await inject({ method: 'DELETE', url: `/api/v1/tokens/${id}`, headers: auth(ctx.adminToken) }))
        .statusCode,
      200,
    );
    const after = await inject({ method: 'GET', url: '/api/v1/jobs', headers: auth(token) });
    assert.equal(after.statusCode, 401);
    assert.equal(after.json().error.code, 'token_revoked');
  });

  it('answers malformed JSON, oversized bodies, wrong media types and invalid fields with 4xx codes', async () => {
    const post = (payload: string, type = 'application/json') =>
      inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers: { ...auth(ctx.adminToken), 'content-type': type },
        payload,
      });
    const bad = await post('{"name": ');
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.code, 'invalid_json');
    const big = await post(JSON.stringify({ name: 'x'.repeat(2000), role: 'admin' }));
    assert.equal(big.statusCode, 413);
    assert.equal(big.json().error.code, 'payload_too_large');
    const xml = await post('<a/>', 'application/xml');
    assert.equal(xml.statusCode, 415);
    assert.equal(xml.json().error.code, 'unsupported_media_type');
    const invalid = await post(JSON.stringify({ name: 'x', role: 'god', extra: 1 }));
    assert.equal(invalid.statusCode, 400);
    assert.equal(invalid.json().error.code, 'validation_failed');
    const fields = invalid.json().error.details.problems.map((p: { field: string }) => p.field);
    assert.ok(fields.includes('body.role'));
  });

  it('answers unknown routes with 404 in the error format', async () => {
    const res = await inject({ method: 'GET', url: '/api/v1/nothing-here' });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().error.code, 'route_not_found');
  });
});

describe('REST gateway: jobs', () => {
  it('shows a job with its status, and cancels a queued one', async () => {
    const { job } = await ctx.service.jobs.queue.enqueue(
      'test.echo',
      { hello: 'world' },
      { runAt: Date.now() + 60_000 },
    );
    const res = await inject({ method: 'GET', url: `/api/v1/jobs/${job.id}`, headers: auth(viewerToken) });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().status, 'queued');
    assert.deepEqual(res.json().payload, { hello: 'world' });
    assert.equal(
      (await inject({ method: 'POST', url: `/api/v1/jobs/${job.id}/cancel`, headers: auth(viewerToken) }))
        .statusCode,
      403,
    );
    const cancelled = await inject({
      method: 'POST',
      url: `/api/v1/jobs/${job.id}/cancel`,
      headers: auth(ctx.adminToken),
    });
    assert.equal(cancelled.json().status, 'cancelled');
    const list = await inject({
      method: 'GET',
      url: '/api/v1/jobs?status=cancelled&limit=1',
      headers: auth(viewerToken),
    });
    assert.equal(list.json().items[0].id, job.id);
    const bad = await inject({ method: 'GET', url: '/api/v1/jobs?status=weird', headers: auth(viewerToken) });
    assert.equal(bad.statusCode, 400);
  });

  it('answers 404 for an unknown job', async () => {
    const res = await inject({
      method: 'GET',
      url: '/api/v1/jobs/01900000-0000-7000-8000-000000000000',
      headers: auth(viewerToken),
    });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().error.code, 'not_found');
  });
});
