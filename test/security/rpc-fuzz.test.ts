// Every edge RPC over real mTLS gRPC, with request messages generated from the proto
// descriptors (NaN and infinite floats, 64-bit extremes, unknown enums, hostile strings, random
// and real payloads). No call may end INTERNAL or UNKNOWN, nothing rejects unhandled, and the
// seeded data survives.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { create, toBinary, type DescMethod, type DescService } from '@bufbuild/protobuf';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import fc from 'fast-check';
import { Encrypter, generateIdentity, identityToRecipient } from 'age-encryption';
import { edgeTransport } from '../../src/edge-client/transport.js';
import { DatasetService } from '../../src/gen/guardian/edge/v1/datasets_pb.js';
import { EdgeService } from '../../src/gen/guardian/edge/v1/edge_pb.js';
import { EnrollmentService } from '../../src/gen/guardian/edge/v1/enrollment_pb.js';
import { EventService } from '../../src/gen/guardian/edge/v1/events_pb.js';
import { ModelService } from '../../src/gen/guardian/edge/v1/models_pb.js';
import { TelemetryService } from '../../src/gen/guardian/edge/v1/telemetry_pb.js';
import { enrolledTestEdge } from '../../src/test-support/edge.js';
import { messageInit, type ProtoFuzzHints } from '../../src/test-support/fuzz-proto.js';
import { FRAMES, seededWorld } from './world.js';

const RUNS = Number(process.env.UVMTEST_FUZZ_RPC_RUNS ?? 5_000);
const SEED = Number(process.env.UVMTEST_FUZZ_SEED ?? Date.now() % 2 ** 31);
const SERVICES: DescService[] = [
  EnrollmentService,
  EdgeService,
  DatasetService,
  EventService,
  ModelService,
  TelemetryService,
];
/** What an edge may legitimately be told; INTERNAL and UNKNOWN are service bugs. */
const BUG_CODES = new Set([Code.Internal, Code.Unknown]);

let world: Awaited<ReturnType<typeof seededWorld>>;
let fuzzEdge: Awaited<ReturnType<typeof enrolledTestEdge>>;
let hints: ProtoFuzzHints;
const unhandled: unknown[] = [];
const onUnhandled = (err: unknown) => unhandled.push(err);

before(async () => {
  process.on('unhandledRejection', onUnhandled);
  world = await seededWorld({}, { runJobs: false });
  fuzzEdge = await enrolledTestEdge(world.ctx.service, 'fuzzer', ['cam-fuzz']);
  const e = new Encrypter();
  e.addRecipient(await identityToRecipient(await generateIdentity()));
  hints = {
    strings: {
      camera: ['cam-fuzz', 'cam-seed', 'unknown-cam'],
      event: [...world.eventIds],
      label: ['normal', 'abnormal', 'zebra'],
      token: ['uvmb_aaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'],
      sha256: ['0'.repeat(64)],
      trigger: ['anomaly'],
    },
    bytes: [FRAMES[0]!, Buffer.from(await e.encrypt(Buffer.alloc(2000, 1)))],
  };
});
after(async () => {
  process.off('unhandledRejection', onUnhandled);
  await world.ctx.close();
});

async function call(
  service: DescService,
  method: DescMethod,
  inits: Record<string, unknown>[],
): Promise<Code | 'ok'> {
  const transport =
    service === EnrollmentService
      ? edgeTransport({
          endpoint: `127.0.0.1:${world.ctx.service.edges.grpcAddress!.port}`,
          caPem: world.ctx.service.edges.ca.certPem,
        })
      : fuzzEdge.transport;
  const client = createClient(service, transport) as unknown as Record<string, (...a: unknown[]) => unknown>;
  const fn = client[method.localName]!;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 300);
  try {
    if (method.methodKind === 'unary') await fn(inits[0], { signal: abort.signal });
    else if (method.methodKind === 'client_streaming')
      await fn(
        (async function* () {
          yield* inits;
        })(),
        { signal: abort.signal },
      );
    else if (method.methodKind === 'server_streaming') {
      let n = 0;
      for await (const _ of fn(inits[0], { signal: abort.signal }) as AsyncIterable<unknown>)
        if (++n >= 1) break;
    }
    return 'ok';
  } catch (err) {
    const code = ConnectError.from(err).code;
    // Our own abort of a long stream is not the service's answer.
    return code === Code.Canceled && abort.signal.aborted ? 'ok' : code;
  } finally {
    clearTimeout(timer);
  }
}

describe('security: edge RPC fuzz', () => {
  it(`${RUNS} generated calls over every edge RPC: never INTERNAL or UNKNOWN, data intact (seed printed)`, async () => {
    const methods = SERVICES.flatMap((s) => s.methods.map((m) => ({ service: s, method: m })));
    console.log(
      `RPC fuzz seed ${SEED} (UVMTEST_FUZZ_SEED=${SEED} reproduces), ${RUNS} runs, ${methods.length} methods`,
    );
    const before = await world.fingerprint();
    const byCode = new Map<string, number>();
    const arbitraries = methods.map(({ service, method }) =>
      fc.array(messageInit(method.input, hints), { minLength: 1, maxLength: 3 }).map((inits) => ({
        service,
        method,
        inits,
        [fc.toStringMethod]: () => `${service.name}.${method.name} ${fc.stringify(inits).slice(0, 400)}`,
      })),
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(...arbitraries), async ({ service, method, inits }) => {
        // Only what a client can put on the wire (the generated client refuses the rest itself).
        try {
          for (const init of inits) toBinary(method.input, create(method.input, init));
        } catch {
          byCode.set('(not encodable, skipped)', (byCode.get('(not encodable, skipped)') ?? 0) + 1);
          return;
        }
        const code = await call(service, method, inits);
        const key = `${method.name}:${code === 'ok' ? 'ok' : Code[code]}`;
        byCode.set(key, (byCode.get(key) ?? 0) + 1);
        assert.ok(
          code === 'ok' || !BUG_CODES.has(code),
          `${service.name}.${method.name} ended ${Code[code as Code]}`,
        );
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true, includeErrorInReport: true },
    );
    console.log('RPC fuzz outcomes', Object.fromEntries([...byCode].sort()));
    assert.equal(await world.fingerprint(), before, 'the seeded data is intact');
    assert.deepEqual(unhandled, [], 'no unhandled rejections');
  });
});
