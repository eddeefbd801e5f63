/**
 * Frames waiting for analysis on disk: the room's bound drops the oldest with a reason the event
 * shows, and the start-up sweep repairs what a stop left (an event without frames fails with the
 * reason, frames of an event that was never committed are deleted, queued jobs stay as they are).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { newId } from '../db/ids.js';
import { TriggerType } from '../gen/guardian/edge/v1/events_pb.js';
import { enrolledTestEdge } from '../test-support/edge.js';
import { testService } from '../test-support/service.js';
import { silentLogger } from '../test-support/silent-logger.js';
import { PendingAnalysisIntake } from './analysis-intake.js';
import { loadOrCreateKey, PendingFrameStore } from './pending-frames.js';

const frame = fs.readFileSync(path.resolve('test/fixtures/vtest-day/frame-0005.jpg'));
let svc: Awaited<ReturnType<typeof testService>>;
let edge: Awaited<ReturnType<typeof enrolledTestEdge>>;

before(async () => {
  svc = await testService({
    'edgeApi.port': 0,
    'archive.recipients': [await identityToRecipient(await generateIdentity())],
    'training.autoTrain': false,
    // Room for two events of two frames (plus their headers), not three.
    'analysis.frameBufferBytes': Math.round(frame.length * 2 * 2.5),
  });
  await svc.service.edges.start();
  edge = await enrolledTestEdge(svc.service, 'intake-edge', ['cam']);
});
after(() => svc.close());

const upload = async (key: string) =>
  (
    await edge.events.uploadEvent({
      cameraId: 'cam',
      eventKey: key,
      startedAtMs: BigInt(Date.now() - 1000),
      trigger: TriggerType.ANOMALY,
      frames: [{ image: frame }, { image: frame }],
    })
  ).eventId;

const view = async (id: string) =>
  (
    await svc.service.http.inject({
      url: `/api/v1/events/${id}`,
      headers: { authorization: `Bearer ${svc.adminToken}` },
    })
  ).json() as { analysisStatus: string; analysisError: string | null };

it('drops the oldest waiting event when the room is full, and the event says why', async () => {
  const ids = [await upload('a'), await upload('b'), await upload('c')];
  const first = await view(ids[0]!);
  assert.equal(first.analysisStatus, 'failed');
  assert.match(first.analysisError!, /dropped before analysis to make room for newer events/);
  for (const id of ids.slice(1)) {
    const v = await view(id);
    assert.equal(v.analysisStatus, 'pending');
    assert.equal(v.analysisError, null);
  }
  const pendingDir = path.join(svc.dataDir, 'analysis-pending');
  assert.deepEqual(
    fs.readdirSync(pendingDir).sort(),
    ids.slice(1).map((id) => `${id}.frames`),
  );

  // A stop: one event's frames vanished from disk, and frames of a never-committed event are left.
  fs.rmSync(path.join(pendingDir, `${ids[2]}.frames`));
  const orphan = newId();
  const key = await loadOrCreateKey(path.join(svc.dataDir, 'keys/pending-frames.key'));
  const store = await PendingFrameStore.open(pendingDir, key, 1e8);
  await store.put(orphan, { frames: [{ image: frame, capturedAt: null }], conditions: null });
  const intake = new PendingAnalysisIntake(
    store,
    svc.service.analysis.repository,
    svc.service.jobs.queue,
    silentLogger,
  );
  const before = (await svc.service.jobs.queue.list({ type: 'events.analyze' })).length;
  assert.deepEqual(await intake.resumeUnfinished(), { queued: 0, failed: 1, orphans: 1 });
  assert.equal(
    (await svc.service.jobs.queue.list({ type: 'events.analyze' })).length,
    before,
    'no second job',
  );
  assert.deepEqual(fs.readdirSync(pendingDir), [`${ids[1]}.frames`]);
  const lost = await view(ids[2]!);
  assert.equal(lost.analysisStatus, 'failed');
  assert.match(lost.analysisError!, /frames were not kept for analysis/);
  assert.equal((await view(ids[1]!)).analysisStatus, 'pending');
});
