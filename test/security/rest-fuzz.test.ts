// Every REST route of the OpenAPI document, with inputs generated from its own schemas
// (valid, boundary and hostile values), as admin, viewer and nobody. No answer may be a 5xx, every
// refusal uses the JSON error format, nothing rejects unhandled, and the seeded data survives.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import {
  fromSchema,
  jsonText,
  queryValue,
  type JsonSchema,
} from '../../src/test-support/fuzz-json-schema.js';
import { seededWorld } from './world.js';

const RUNS = Number(process.env.UVMTEST_FUZZ_REST_RUNS ?? 10_000);
const SEED = Number(process.env.UVMTEST_FUZZ_SEED ?? Date.now() % 2 ** 31);

interface Operation {
  method: string;
  path: string;
  parameters: { in: string; name: string; schema: JsonSchema }[];
  body?: { type: string; schema?: JsonSchema };
}

let world: Awaited<ReturnType<typeof seededWorld>>;
const operations: Operation[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (err: unknown) => unhandled.push(err);

before(async () => {
  process.on('unhandledRejection', onUnhandled);
  world = await seededWorld();
  const doc = (await world.ctx.service.http.inject({ url: '/docs/json' })).json() as {
    paths: Record<
      string,
      Record<
        string,
        {
          summary?: string;
          parameters?: Operation['parameters'];
          requestBody?: { content: Record<string, { schema?: JsonSchema }> };
        }
      >
    >;
  };
  for (const [path, ops] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(ops)) {
      // Live streams (server-sent events) stay open by design; their own tests cover them.
      if (op.summary?.includes('text/event-stream')) continue;
      const [type, content] = Object.entries(op.requestBody?.content ?? {})[0] ?? [];
      operations.push({
        method: method.toUpperCase(),
        path,
        parameters: op.parameters ?? [],
        ...(type ? { body: { type, ...(content?.schema ? { schema: content.schema } : {}) } } : {}),
      });
    }
});
after(async () => {
  process.off('unhandledRejection', onUnhandled);
  await world.ctx.close();
});

/** Operations that may remove or cut off what they name: never pointed at the seeded data. */
const DESTRUCTIVE = /\/(revoke|cancel|rollback|archive|register)$/;

/** Ids for path parameters: unknown ones, hostile ones, and (but for destructive operations) seeded ones. */
function pathValue(op: Operation, name: string, schema: JsonSchema): fc.Arbitrary<string> {
  const unknown = fc.oneof(
    fc.uuid().map(String),
    fc.string({ minLength: 1, maxLength: 30 }),
    queryValue(schema),
  );
  if (op.method === 'DELETE' || DESTRUCTIVE.test(op.path)) return unknown;
  const seeded = [
    world.edge.edgeId,
    'cam-seed',
    world.datasetId,
    ...world.eventIds,
    world.viewerId,
    '0',
    '1',
  ];
  return fc.oneof(unknown, fc.constantFrom(...seeded));
}

function requestFor(op: Operation): fc.Arbitrary<InjectOptions & { label: string }> {
  const params = op.parameters.filter((p) => p.in === 'path');
  const query = op.parameters.filter((p) => p.in === 'query');
  return fc
    .record({
      path: fc.tuple(...params.map((p) => pathValue(op, p.name, p.schema))),
      query: fc.record(Object.fromEntries(query.map((p) => [p.name, queryValue(p.schema)])), {
        requiredKeys: [],
      }),
      body:
        op.body?.type === 'application/json' && op.body.schema
          ? fromSchema(op.body.schema)
          : fc.uint8Array({ maxLength: 256 }),
      rawInfinity: fc.boolean(),
      auth: fc.constantFrom('admin', 'admin', 'admin', 'viewer', 'none', 'garbage'),
      contentType: fc.constantFrom(
        op.body?.type ?? 'application/json',
        op.body?.type ?? 'application/json',
        'text/plain',
      ),
    })
    .map((r) => {
      let url = op.path;
      params.forEach((p, i) => (url = url.replace(`{${p.name}}`, encodeURIComponent(r.path[i]!))));
      const qs = new URLSearchParams(r.query as Record<string, string>).toString();
      const token = { admin: world.ctx.adminToken, viewer: world.viewerToken, none: '', garbage: 'uvm_x_y' }[
        r.auth
      ];
      const payload =
        op.body === undefined
          ? undefined
          : r.body instanceof Uint8Array
            ? Buffer.from(r.body)
            : jsonText(r.body);
      const short = (v: unknown) => String(v).slice(0, 200);
      return {
        // How fast-check prints a counterexample: readable even with 5,000-character values.
        [fc.toStringMethod]: () =>
          `${op.method} ${short(qs ? `${url}?${qs}` : url)} as ${r.auth} body ${short(payload)}`,
        label: `${op.method} ${op.path}`,
        method: op.method as InjectOptions['method'],
        url: qs ? `${url}?${qs}` : url,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(payload !== undefined ? { 'content-type': r.contentType } : {}),
        },
        ...(payload !== undefined ? { payload } : {}),
      };
    });
}

describe('security: REST fuzz', () => {
  it(`${RUNS} generated requests over every route: no 5xx, JSON errors, data intact (seed printed)`, async () => {
    console.log(
      `REST fuzz seed ${SEED} (UVMTEST_FUZZ_SEED=${SEED} reproduces), ${RUNS} runs, ${operations.length} operations`,
    );
    const before = await world.fingerprint();
    const byStatus = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.oneof(...operations.map(requestFor)), async ({ label, ...req }) => {
        const res = await world.ctx.service.http.inject(req);
        byStatus.set(res.statusCode, (byStatus.get(res.statusCode) ?? 0) + 1);
        assert.ok(res.statusCode < 500, `${label} answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
        if (res.statusCode >= 400) {
          const body = res.json() as { error?: { code?: unknown; message?: unknown } };
          assert.equal(typeof body.error?.code, 'string', `${label}: error body ${res.body.slice(0, 200)}`);
          assert.equal(typeof body.error?.message, 'string');
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true, includeErrorInReport: true },
    );
    console.log('REST fuzz statuses', Object.fromEntries([...byStatus].sort((a, b) => a[0] - b[0])));
    assert.equal(await world.fingerprint(), before, 'the seeded data is intact');
    assert.deepEqual(unhandled, [], 'no unhandled rejections');
  });
});
