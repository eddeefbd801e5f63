// `uservm edge revoke` runs in its own process; the service must still close the
// edge's open streams at once and accept nothing more on them.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { edgeClient, edgeTransport } from '../../src/edge-client/transport.js';
import { EdgeService } from '../../src/gen/guardian/edge/v1/edge_pb.js';
import { enrolledTestEdge } from '../../src/test-support/edge.js';
import { testService } from '../../src/test-support/service.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
let ctx: Awaited<ReturnType<typeof testService>>;

before(async () => {
  ctx = await testService({ 'edgeApi.port': 0 });
  await ctx.service.edges.start();
});
after(() => ctx.close());

const cli = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/main.ts'), '-d', ctx.dataDir, ...args], {
    cwd: root,
    env: { ...process.env, UVM_LOG__LEVEL: 'silent' },
  });

describe('security: revoking from the CLI', () => {
  it('closes the open WatchAssignments stream and refuses further snapshots on an open upload stream', async () => {
    const frame = await readFile(path.join(root, 'test/fixtures/vtest-day/frame-0001.jpg'));
    const edge = await enrolledTestEdge(ctx.service, 'cli-revoked', ['cam-cli']);

    const watch = new AbortController();
    const watching = (async () => {
      let messages = 0;
      try {
        for await (const _ of edge.models.watchAssignments({}, { signal: watch.signal })) messages++;
        return { ended: 'cleanly', messages };
      } catch (err) {
        return { ended: String((err as Error).message), messages };
      }
    })();

    // An upload stream that sends one snapshot, waits for the revocation, then tries two more.
    let revoked!: () => void;
    const afterRevocation = new Promise<void>((r) => (revoked = r));
    const upload = edge.datasets
      .uploadSnapshots(
        (async function* () {
          yield { cameraId: 'cam-cli', label: 'normal', image: frame };
          await afterRevocation;
          for (let i = 0; i < 2; i++) {
            const image = Buffer.from(frame);
            image[image.length - 3] = i; // a different byte stream, so not a duplicate
            yield { cameraId: 'cam-cli', label: 'normal', image };
          }
        })(),
      )
      .then(
        (r) => ({ ok: true, accepted: r.accepted }),
        (e: unknown) => ({ ok: false, message: String((e as Error).message) }),
      );
    await new Promise((r) => setTimeout(r, 300));

    const { stdout } = await cli('edge', 'revoke', edge.edgeId, '--reason', 'stolen');
    assert.match(stdout, /revoked/);
    const revokedAt = Date.now();
    revoked();

    const watched = await Promise.race([
      watching,
      new Promise<{ ended: string }>((r) => setTimeout(() => r({ ended: 'still open' }), 5000)),
    ]);
    watch.abort();
    assert.notEqual(watched.ended, 'still open', 'the stream was closed');
    assert.ok(Date.now() - revokedAt < 5000);

    const uploaded = await upload;
    assert.equal(uploaded.ok, false, 'the rest of the stream is refused');
    const snapshots = await ctx.service.database.db
      .selectFrom('snapshots')
      .select((e) => e.fn.countAll<number>().as('n'))
      .where('camera_id', '=', 'cam-cli')
      .executeTakeFirstOrThrow();
    assert.equal(Number(snapshots.n), 1, 'only the snapshot sent before the revocation was kept');
    // The old connection was cut (a call racing the cut sees CANCEL); an edge reconnects, and the
    // new connection's calls are refused with the reason.
    const reconnected = edgeClient(
      EdgeService,
      edgeTransport({
        endpoint: `127.0.0.1:${ctx.service.edges.grpcAddress!.port}`,
        caPem: ctx.service.edges.ca.certPem,
        ...edge.credentials,
      }),
    );
    await assert.rejects(reconnected.heartbeat({}), /revoked: stolen/);
  });
});
