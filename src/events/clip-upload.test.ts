import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { Code } from '@connectrpc/connect';
import { Decrypter, Encrypter, generateIdentity, identityToRecipient } from 'age-encryption';
import { TriggerType } from '../gen/guardian/edge/v1/events_pb.js';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { UploadClipRequestSchema } from '../gen/guardian/edge/v1/events_pb.js';
import { enrolledTestEdge } from '../test-support/edge.js';
import { testService } from '../test-support/service.js';
import { grpcError } from '../test-support/grpc.js';

type ClipMsg = MessageInitShape<typeof UploadClipRequestSchema>;
const frame = fs.readFileSync(new URL('../../test/fixtures/vtest-day/frame-0001.jpg', import.meta.url));
const owner = await generateIdentity();
const recipient = await identityToRecipient(owner);
const plainClip = randomBytes(3 * 1024 * 1024 + 123);
const encrypter = new Encrypter();
encrypter.addRecipient(recipient);
const clip = Buffer.from(await encrypter.encrypt(plainClip));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let ctx: Awaited<ReturnType<typeof testService>>;
let edge: Awaited<ReturnType<typeof enrolledTestEdge>>;
before(async () => {
  ctx = await testService({
    'edgeApi.port': 0,
    'archive.recipients': [recipient],
    'jobs.pollIntervalMs': 20,
  });
  await ctx.service.edges.start();
  ctx.service.jobs.runner.start();
  edge = await enrolledTestEdge(ctx.service, 'clips', ['drive']);
});
after(() => ctx.close());

async function newEvent(key: string): Promise<string> {
  const res = await edge.events.uploadEvent({
    cameraId: 'drive',
    eventKey: key,
    startedAtMs: BigInt(Date.now() - 1000),
    trigger: TriggerType.MOTION,
    frames: [{ image: frame }],
    clipExpected: true,
  });
  return res.eventId;
}

async function* messages(
  eventId: string,
  data: Buffer,
  opts: {
    offset?: number;
    size?: number;
    sha256?: string;
    chunk?: number;
    onChunk?: (i: number) => void;
  } = {},
): AsyncGenerator<ClipMsg> {
  const offset = opts.offset ?? 0;
  yield {
    part: {
      case: 'header',
      value: {
        eventId,
        size: BigInt(opts.size ?? clip.length),
        sha256: opts.sha256 ?? sha(clip),
        offset: BigInt(offset),
      },
    },
  };
  const step = opts.chunk ?? 256 * 1024;
  let i = 0;
  for (let at = 0; at < data.length; at += step) {
    opts.onChunk?.(i++);
    yield { part: { case: 'chunk', value: data.subarray(at, at + step) } };
  }
}

describe('clip upload (client streaming, age-encrypted, resumable)', () => {
  it('stores the clip as received, archives it, and serves it by ranges', async () => {
    const eventId = await newEvent('clip-ok');
    const usedBefore = (await ctx.service.events.quotas.view('drive')).usedBytes;
    const res = await edge.events.uploadClip(messages(eventId, clip));
    assert.equal(
      (await ctx.service.events.quotas.view('drive')).usedBytes,
      usedBefore + clip.length,
      "the clip counts in the camera's usage",
    );
    assert.equal(res.sha256, sha(clip));
    assert.equal(Number(res.size), clip.length);
    const deadline = Date.now() + 10_000;
    while (
      (await ctx.service.events.query.get(eventId)).objects.some((o) => o.status !== 'completed') &&
      Date.now() < deadline
    )
      await new Promise((r) => setTimeout(r, 50));
    const detail = await ctx.service.events.query.get(eventId);
    assert.equal(detail.hasClip, true);
    assert.equal(detail.objects.find((o) => o.kind === 'clip')?.status, 'completed');
    const auth = { authorization: `Bearer ${ctx.adminToken}` };
    const whole = await ctx.service.http.inject({
      method: 'GET',
      url: `/api/v1/events/${eventId}/clip`,
      headers: auth,
    });
    assert.equal(whole.statusCode, 200);
    assert.equal(
      sha(whole.rawPayload),
      sha(clip),
      'byte-identical to what the edge sent: never decrypted or re-encoded',
    );
    const d = new Decrypter();
    d.addIdentity(owner);
    assert.ok(Buffer.from(await d.decrypt(whole.rawPayload)).equals(plainClip), 'the owner decrypts it');
    const middle = await ctx.service.http.inject({
      method: 'GET',
      url: `/api/v1/events/${eventId}/clip`,
      headers: { ...auth, range: 'bytes=1048576-2097151' },
    });
    assert.equal(middle.statusCode, 206);
    assert.ok(middle.rawPayload.equals(clip.subarray(1048576, 2097152)));
    const again = await edge.events.uploadClip(messages(eventId, clip));
    assert.equal(
      again.sha256,
      sha(clip),
      'a repeated upload of the same clip is accepted without storing it twice',
    );
  });

  it('resumes after a dropped stream from the bytes already held', async () => {
    const eventId = await newEvent('clip-resume');
    const abort = new AbortController();
    // Send six chunks, then stall and drop the stream, as a flaky uplink would.
    async function* dropping(): AsyncGenerator<ClipMsg> {
      let n = 0;
      for await (const m of messages(eventId, clip)) {
        yield m;
        if (m.part?.case === 'chunk' && ++n === 6) {
          await new Promise((r) => setTimeout(r, 200));
          abort.abort();
          return;
        }
      }
    }
    await assert.rejects(edge.events.uploadClip(dropping(), { signal: abort.signal }));
    await new Promise((r) => setTimeout(r, 200));
    const status = await edge.events.queryClipUpload({ eventId });
    const held = Number(status.receivedBytes);
    assert.equal(status.complete, false);
    assert.ok(held > 0 && held < clip.length, `held ${held} bytes`);
    const wrong = await grpcError(
      edge.events.uploadClip(messages(eventId, clip.subarray(10), { offset: 10 })),
    );
    assert.equal(wrong.code, Code.OutOfRange);
    assert.match(wrong.rawMessage, new RegExp(`resume from ${held}`));
    const res = await edge.events.uploadClip(messages(eventId, clip.subarray(held), { offset: held }));
    assert.equal(res.sha256, sha(clip));
    assert.equal((await edge.events.queryClipUpload({ eventId })).complete, true);
  });

  it('refuses plaintext video and keeps nothing', async () => {
    const eventId = await newEvent('clip-plain');
    const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 0x20]), Buffer.from('ftypisom'), randomBytes(100_000)]);
    const err = await grpcError(
      edge.events.uploadClip(messages(eventId, mp4, { size: mp4.length, sha256: sha(mp4) })),
    );
    assert.equal(err.code, Code.InvalidArgument);
    assert.match(err.rawMessage, /not age-encrypted/);
    assert.equal(Number((await edge.events.queryClipUpload({ eventId })).receivedBytes), 0);
    assert.equal((await ctx.service.events.query.get(eventId)).hasClip, false);
  });

  it('refuses a sha256 mismatch and keeps nothing', async () => {
    const eventId = await newEvent('clip-sha');
    const err = await grpcError(edge.events.uploadClip(messages(eventId, clip, { sha256: 'a'.repeat(64) })));
    assert.equal(err.code, Code.DataLoss);
    assert.equal(Number((await edge.events.queryClipUpload({ eventId })).receivedBytes), 0);
  });

  it("refuses clips for another edge's event", async () => {
    const eventId = await newEvent('clip-owner');
    const other = await enrolledTestEdge(ctx.service, 'intruder', ['other-cam']);
    const err = await grpcError(other.events.uploadClip(messages(eventId, clip)));
    assert.equal(err.code, Code.NotFound);
  });
});
