// Mark reviewed (per API token) and the live change stream the console follows.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { TriggerType } from '../gen/guardian/edge/v1/events_pb.js';
import { enrolledTestEdge } from '../test-support/edge.js';
import { testService } from '../test-support/service.js';

const frame = fs.readFileSync(new URL('../../test/fixtures/vtest-day/frame-0001.jpg', import.meta.url));

describe('event reviews and live changes', () => {
  let ctx: Awaited<ReturnType<typeof testService>>;
  let edge: Awaited<ReturnType<typeof enrolledTestEdge>>;
  let viewer = '';
  const ids: string[] = [];
  const upload = async (key: string) =>
    (
      await edge.events.uploadEvent({
        cameraId: 'porch',
        eventKey: key,
        startedAtMs: BigInt(Date.now() - 1000),
        trigger: TriggerType.MOTION,
        frames: [{ image: frame }],
      })
    ).eventId;

  before(async () => {
    ctx = await testService({
      'edgeApi.port': 0,
      'analysis.enabled': false,
      'archive.recipients': [await identityToRecipient(await generateIdentity())],
    });
    await ctx.service.edges.start();
    edge = await enrolledTestEdge(ctx.service, 'porch-edge', ['porch']);
    for (const key of ['a', 'b', 'c']) ids.push(await upload(key));
    viewer = (await ctx.service.tokens.create({ name: 'family', role: 'viewer' })).token;
  });
  after(() => ctx.close());

  const call = (token: string, method: 'GET' | 'PUT' | 'DELETE' | 'POST', url: string, payload?: unknown) =>
    ctx.service.http.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload ? { payload } : {}),
    });
  const listIds = async (token: string, query: string) =>
    ((await call(token, 'GET', `/api/v1/events?${query}`)).json() as { items: { id: string }[] }).items.map(
      (e) => e.id,
    );

  it("marks events reviewed per token: one owner's review leaves another's inbox as it was", async () => {
    const marked = await call(ctx.adminToken, 'PUT', `/api/v1/events/${ids[0]}/review`);
    assert.equal(marked.statusCode, 200);
    const first = (marked.json() as { reviewedAt: string }).reviewedAt;
    // Idempotent: the first time is kept.
    const again = await call(ctx.adminToken, 'PUT', `/api/v1/events/${ids[0]}/review`);
    assert.equal((again.json() as { reviewedAt: string }).reviewedAt, first);

    assert.deepEqual(await listIds(ctx.adminToken, 'reviewed=false'), [ids[2], ids[1]]);
    assert.deepEqual(await listIds(ctx.adminToken, 'reviewed=true'), [ids[0]]);
    assert.deepEqual(await listIds(viewer, 'reviewed=false'), [ids[2], ids[1], ids[0]]);

    const detail = (await call(ctx.adminToken, 'GET', `/api/v1/events/${ids[0]}`)).json() as {
      reviewedAt: string | null;
    };
    assert.equal(detail.reviewedAt, first);
    const seenByViewer = (await call(viewer, 'GET', `/api/v1/events/${ids[0]}`)).json() as {
      reviewedAt: string | null;
    };
    assert.equal(seenByViewer.reviewedAt, null, 'the cached detail carries no other token’s review');

    assert.equal((await call(ctx.adminToken, 'DELETE', `/api/v1/events/${ids[0]}/review`)).statusCode, 204);
    assert.deepEqual(await listIds(ctx.adminToken, 'reviewed=true'), []);
  });

  it('lets a viewer mark its own reviews, in bulk, and skips unknown ids', async () => {
    const res = await call(viewer, 'POST', '/api/v1/events/reviews', {
      eventIds: [ids[1], ids[2], ids[2], 'no-such-event'],
    });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { updated: 2 });
    assert.deepEqual(await listIds(viewer, 'reviewed=false'), [ids[0]]);
    // Still read-only for everything else.
    assert.equal((await call(viewer, 'DELETE', `/api/v1/events/${ids[0]}`)).statusCode, 403);
    assert.equal((await call(viewer, 'PUT', '/api/v1/events/no-such-event/review')).statusCode, 404);
    const empty = await call(viewer, 'POST', '/api/v1/events/reviews', { eventIds: [] });
    assert.equal(empty.statusCode, 400);
  });

  it('streams the ids of changed events to a live client and ends the stream at shutdown', async () => {
    await ctx.service.http.listen({ host: '127.0.0.1', port: 0 });
    const { port } = ctx.service.http.server.address() as { port: number };
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/events/changes`, {
      headers: { authorization: `Bearer ${viewer}` },
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    const newId = await upload('d');
    const deadline = Date.now() + 5000;
    while (!text.includes(newId) && Date.now() < deadline) text += (await reader.read()).value ?? '';
    assert.match(text, /event: changed\ndata: \{"ids":\[[^\]]*"/);
    assert.ok(text.includes(newId), 'the new event is announced');

    const unauthenticated = await fetch(`http://127.0.0.1:${port}/api/v1/events/changes`);
    assert.equal(unauthenticated.status, 401);

    // A stream ends with its token: revoked, the next change is not sent and the stream closes.
    const family = await ctx.service.tokens.create({ name: 'revoked-later', role: 'viewer' });
    const doomed = await fetch(`http://127.0.0.1:${port}/api/v1/events/changes`, {
      headers: { authorization: `Bearer ${family.token}` },
    });
    const doomedReader = doomed.body!.pipeThrough(new TextDecoderStream()).getReader();
    await ctx.service.tokens.revoke(family.view.id);
    await new Promise((r) => setTimeout(r, 1100)); // past the check's once-a-second throttle
    const after = await upload('e');
    let leaked = '';
    const timeout = setTimeout(() => void doomedReader.cancel('still open'), 5000);
    let ended = false;
    for (;;) {
      const r = await doomedReader.read().catch(() => ({ done: true, value: undefined, cancelled: true }));
      if (r.done) {
        ended = !('cancelled' in r);
        break;
      }
      leaked += r.value;
    }
    clearTimeout(timeout);
    assert.ok(ended, 'the stream closed');
    assert.ok(!leaked.includes(after), 'nothing is sent once the token is revoked');
    // Closing the app ends the open stream instead of waiting for the client.
    const closing = ctx.service.http.close();
    for (let r = await reader.read(); !r.done; r = await reader.read());
    await closing;
  });
});
