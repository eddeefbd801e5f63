import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Decrypter, generateIdentity, identityToRecipient } from 'age-encryption';
import { TriggerType } from '../gen/guardian/edge/v1/events_pb.js';
import { testService } from '../test-support/service.js';
import { enrolledTestEdge } from '../test-support/edge.js';
import {
  busOnLawn,
  crowd,
  lensCovered,
  loadSceneKit,
  personOnLawn,
  personOnLawnAtNight,
  vanRemoved,
  recentAt,
  type SceneKit,
} from '../test-support/scenes.js';
import type { EventReport } from './analysis-service.js';
import { ApiClient } from '../cli/api-client.js';
import { teachNormal } from '../cli/teach-normal.js';

describe('event analysis against the baseline of a real camera', () => {
  let svc: Awaited<ReturnType<typeof testService>>;
  let edge: Awaited<ReturnType<typeof enrolledTestEdge>>;
  let kit: SceneKit;
  let n = 0;
  let ownerIdentity = '';
  const auth = () => ({ authorization: `Bearer ${svc.adminToken}` });

  async function analyse(
    frames: Buffer[],
    at: number,
    opts: { light?: string; spacingMs?: number; cameraId?: string } = {},
  ): Promise<EventReport & { id: string }> {
    const spacing = opts.spacingMs ?? 1000;
    const res = await edge.events.uploadEvent({
      cameraId: opts.cameraId ?? 'cam-a',
      eventKey: `evt-${++n}`,
      startedAtMs: BigInt(at),
      endedAtMs: BigInt(at + spacing * (frames.length - 1)),
      trigger: TriggerType.ANOMALY,
      edgeModelId: 'edge-cae',
      edgeModelVersion: '1.0.0',
      edgeScore: 0.03,
      edgeThreshold: 0.02,
      frames: frames.map((image, i) => ({ image, capturedAtMs: BigInt(at + i * spacing) })),
      conditions: { light: opts.light ?? 'day', weather: 'clear', season: 'autumn' },
    });
    for (let i = 0; i < 400; i++) {
      const e = (
        await svc.service.http.inject({ url: `/api/v1/events/${res.eventId}`, headers: auth() })
      ).json();
      if (e.analysisStatus === 'analyzed') break;
      assert.notEqual(e.analysisStatus, 'failed');
      await new Promise((r) => setTimeout(r, 50));
    }
    const report = await svc.service.http.inject({
      url: `/api/v1/events/${res.eventId}/report`,
      headers: auth(),
    });
    assert.equal(report.statusCode, 200, report.body);
    return { ...report.json(), id: res.eventId };
  }
  const types = (r: EventReport) => r.findings.map((f) => f.type).sort();

  before(async () => {
    ownerIdentity = await generateIdentity();
    const owner = await identityToRecipient(ownerIdentity);
    svc = await testService({
      'edgeApi.port': 0,
      'archive.recipients': [owner],
      'training.autoTrain': false,
      'vision.workers': 2,
      'jobs.pollIntervalMs': 20,
      'jobs.concurrency': 2,
    });
    await svc.service.edges.start();
    svc.service.jobs.runner.start();
    edge = await enrolledTestEdge(svc.service, 'analysis-edge', ['cam-a', 'cam-side']);
    kit = await loadSceneKit();
    await edge.datasets.uploadSnapshots(
      (async function* () {
        for (const [i, image] of kit.frames.entries()) {
          yield {
            cameraId: 'cam-a',
            label: 'normal',
            image,
            capturedAtMs: BigInt(recentAt(10, i)),
            conditions: { light: 'day', weather: 'clear', season: 'autumn' },
          };
        }
      })(),
    );
    for (let i = 0; i < 600; i++) {
      if (
        (await svc.service.http.inject({ url: '/api/v1/cameras/cam-a/baseline', headers: auth() }))
          .statusCode === 200
      )
        break;
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  after(() => svc.close());

  it('plain normal frames yield no finding', async () => {
    const r = await analyse([kit.frames[0]!, kit.frames[1]!], recentAt(10, 5));
    assert.deepEqual(types(r), []);
    assert.equal(r.risk.level, 'normal');
    assert.match(
      r.explanation,
      /^Nothing unusual at 10:05: \d+ people, .*as normally seen on this camera\.$/,
    );
    assert.equal(r.models.baseline?.version, 1);
    assert.match(r.models.detector, /^centernet@/);
    assert.ok(
      r.objects.some((o) => o.label === 'truck' && o.static),
      'the parked van is recognised as static',
    );
    // Its frames are gone once analysed; a job run again (the process stopped before marking it
    // done) returns the stored report instead of failing the event.
    // (The report is stored just before the frames are deleted: wait for the deletion.)
    const pending = path.join(svc.dataDir, 'analysis-pending', `${r.id}.frames`);
    for (let i = 0; i < 100 && fs.existsSync(pending); i++) await new Promise((res) => setTimeout(res, 20));
    assert.equal(fs.existsSync(pending), false, 'its frames are deleted once analysed');
    const again = await svc.service.analysis.service.analyze(r.id);
    assert.equal(again.analyzedAt, r.analyzedAt);
    assert.equal((await svc.service.events.query.get(r.id)).analysisStatus, 'analyzed');
  });

  it('a person on the lawn at night: abnormal time and position, and it outranks people on the footpath by day', async () => {
    const night = await analyse(
      [await personOnLawnAtNight(kit, kit.frames[0]!), await personOnLawnAtNight(kit, kit.frames[1]!, 310)],
      recentAt(3, 12),
      { light: 'night' },
    );
    assert.deepEqual(
      types(night).filter((t) => t !== 'unusual_path'),
      ['abnormal_time', 'unusual_position'],
    );
    const time = night.findings.find((f) => f.type === 'abnormal_time')!;
    assert.equal(time.label, 'person');
    assert.deepEqual(
      { basis: time.evidence.basis, light: time.evidence.light, seen: time.evidence.seen },
      { basis: 'light', light: 'night', seen: 0 },
    );
    assert.match(
      night.explanation,
      /^Person in the bottom-centre of the view at 03:12, where people are not seen at night \(no night snapshots show any\)/,
    );
    assert.ok(['critical', 'warning'].includes(night.risk.level), JSON.stringify(night.risk));

    const lawnByDay = await analyse([await personOnLawn(kit, kit.frames[2]!)], recentAt(10, 10));
    assert.deepEqual(types(lawnByDay), ['unusual_position']);
    assert.match(
      lawnByDay.explanation,
      /^Person in the bottom-centre of the view at 10:10, where people are not normally seen, judged against a thin baseline \(10 snapshots from 1 day, 1 hour of the day\)\.$/,
    );
    // Ten snapshots from one hour: the report says how little the baseline has seen.
    assert.equal(lawnByDay.models.baseline?.evidence.confidence, 'low');
    assert.ok(lawnByDay.risk.factors.some((f) => f.factor === 'baseline_evidence'));
    const footpathByDay = await analyse([kit.frames[3]!], recentAt(10, 20));
    assert.ok(night.risk.score > lawnByDay.risk.score, `${night.risk.score} > ${lawnByDay.risk.score}`);
    assert.ok(
      lawnByDay.risk.score > footpathByDay.risk.score,
      `${lawnByDay.risk.score} > ${footpathByDay.risk.score}`,
    );
  });

  it('new object, missing static object, abnormal count, covered lens', async () => {
    const bus = await analyse([await busOnLawn(kit, kit.frames[4]!)], recentAt(10, 30));
    const b = bus.findings.find((f) => f.type === 'new_object');
    assert.equal(b?.label, 'bus');
    assert.deepEqual({ seenIn: b?.evidence.seenIn, of: b?.evidence.of }, { seenIn: 0, of: 10 });
    assert.match(
      bus.explanation,
      /^Bus in the bottom-centre of the view at 10:30: never seen on this camera before \(0 of 10 snapshots\)/,
    );

    const noVan = await analyse(
      [await vanRemoved(kit.frames[5]!), await vanRemoved(kit.frames[6]!)],
      recentAt(10, 40),
    );
    const missing = noVan.findings.filter((f) => f.type === 'missing_object');
    assert.deepEqual(
      missing.map((f) => f.label),
      ['truck'],
    );
    assert.ok(missing[0]!.box!.x1 > 0.75);

    const many = await analyse([await crowd(kit, kit.frames[7]!)], recentAt(10, 50));
    const count = many.findings.find((f) => f.type === 'abnormal_count');
    assert.equal(count?.label, 'person');
    assert.ok(Number(count!.evidence.count) > Number(count!.evidence.usualMax));
    assert.match(
      many.explanation,
      /^(\d+ people at 10:50, more than the usual \d+ at most|\d+ people at 10:50 where they are not normally seen, e\.g\. in the [a-z-]+ of the view)( \(and \d+ more findings?\))?, judged against a thin baseline \(10 snapshots from 1 day, 1 hour of the day\)\.$/,
    );

    const covered = await analyse([await lensCovered(), await lensCovered()], recentAt(11, 0));
    assert.deepEqual(types(covered), ['scene_change']);
    assert.equal(covered.findings[0]!.evidence.cause, 'uniform');
    assert.match(covered.explanation, /^The picture is almost uniform at 11:00: the lens may be covered/);
    // The event's view carries its finding types, in the list and on its own.
    const listed = (
      await svc.service.http.inject({ url: '/api/v1/events?findings=scene_change', headers: auth() })
    ).json() as { items: { id: string; findingTypes: string[] }[] };
    assert.deepEqual(listed.items.find((e) => e.id === covered.id)?.findingTypes, ['scene_change']);
    const one = (
      await svc.service.http.inject({ url: `/api/v1/events/${covered.id}`, headers: auth() })
    ).json() as {
      findingTypes: string[];
    };
    assert.deepEqual(one.findingTypes, ['scene_change']);
  });

  it('loitering and an unusual path are found from tracks across frames', async () => {
    const stay = await analyse(
      [
        await personOnLawn(kit, kit.frames[0]!, 300),
        await personOnLawn(kit, kit.frames[1]!, 304),
        await personOnLawn(kit, kit.frames[2]!, 308),
      ],
      recentAt(11, 10),
      { spacingMs: 60_000 },
    );
    const dwell = stay.findings.find((f) => f.type === 'unusual_dwell');
    assert.equal(dwell?.label, 'person');
    assert.deepEqual(
      { seconds: dwell?.evidence.seconds, limit: dwell?.evidence.limit },
      { seconds: 120, limit: 45 },
    );

    const walk = await analyse(
      [
        await personOnLawn(kit, kit.frames[3]!, 200),
        await personOnLawn(kit, kit.frames[3]!, 280),
        await personOnLawn(kit, kit.frames[3]!, 360),
      ],
      recentAt(11, 20),
    );
    const path = walk.findings.find((f) => f.type === 'unusual_path');
    assert.equal(path?.label, 'person');
    const track = walk.objects.find((o) => o.trackId === path!.trackId)!;
    assert.deepEqual(track.frames, [0, 1, 2]);
  });

  it('feedback turns a repeated false positive into normal; rescore shows the change; counts are kept', async () => {
    const first = await analyse([await personOnLawnAtNight(kit, kit.frames[8]!)], recentAt(2, 40), {
      light: 'night',
    });
    assert.notEqual(first.risk.level, 'normal');
    const fb = await svc.service.http.inject({
      method: 'POST',
      url: `/api/v1/events/${first.id}/feedback`,
      headers: auth(),
      payload: { kind: 'false_positive', comment: 'our gardener' },
    });
    assert.equal(fb.statusCode, 201, fb.body);
    assert.ok(fb.json().suppressionRules >= 2);
    const marked = (
      await svc.service.http.inject({ url: `/api/v1/events/${first.id}`, headers: auth() })
    ).json();
    assert.equal(marked.riskLevel, 'false_positive');

    const again = await analyse([await personOnLawnAtNight(kit, kit.frames[9]!, 305)], recentAt(2, 50), {
      light: 'night',
    });
    assert.deepEqual(
      types(again),
      [],
      JSON.stringify({ first: first.findings, again: again.findings, sup: again.suppressed }),
    );
    assert.ok(again.suppressed.some((f) => f.type === 'abnormal_time'));
    assert.equal(again.risk.level, 'normal');

    const rescored = await svc.service.http.inject({
      method: 'POST',
      url: `/api/v1/events/${first.id}/rescore`,
      headers: auth(),
    });
    assert.equal(rescored.statusCode, 200);
    assert.ok(rescored.json().before.findings.length >= 2);
    assert.deepEqual(rescored.json().after.findings, []);

    const counts = (
      await svc.service.http.inject({ url: '/api/v1/cameras/cam-a/feedback', headers: auth() })
    ).json();
    assert.equal(counts.falsePositives, 1);
    assert.ok(counts.activeSuppressionRules >= 2);
    const byLevel = (
      await svc.service.http.inject({ url: '/api/v1/events?findings=scene_change', headers: auth() })
    ).json();
    assert.equal(byLevel.items.length, 1);
  });

  it("scores frames with the camera's own model on the server and compares with the edge; links events across cameras and in bursts", async () => {
    const job = await svc.service.ml.training.start({
      cameraId: 'cam-a',
      overrides: { epochs: 15, inputWidth: 64, inputHeight: 64, latentDim: 32, workers: 1, seed: 3 },
    });
    for (let i = 0; i < 600; i++) {
      const j = await svc.service.ml.training.get(job.id);
      if (j.status === 'succeeded') break;
      assert.ok(j.status === 'queued' || j.status === 'running', `training ${j.status}: ${j.error}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const modelId = (await svc.service.ml.training.get(job.id)).modelId;
    const at = recentAt(12, 0);
    const normal = await analyse([kit.frames[0]!, kit.frames[1]!], at);
    assert.equal(normal.models.cae?.modelId, modelId);
    assert.ok(normal.edgeComparison.serverScore !== null && normal.edgeComparison.serverThreshold! > 0);
    assert.ok(Math.abs(normal.edgeComparison.edgeScore! - 0.03) < 1e-6);
    const covered = await analyse([await lensCovered()], at + 30_000);
    assert.ok(
      covered.edgeComparison.serverScore! > covered.edgeComparison.serverThreshold!,
      'a covered lens reconstructs badly',
    );
    assert.equal(covered.incident?.id, normal.incident?.id, 'events 30 s apart form one incident');
    const side = await analyse([kit.frames[2]!], at + 20_000, { cameraId: 'cam-side' });
    assert.deepEqual(side.related.map((r) => r.eventId).sort(), [normal.id, covered.id].sort());
    const third = await analyse([await busOnLawn(kit, kit.frames[3]!)], at + 60_000);
    assert.equal(third.incident?.events, 3);
    assert.ok(third.risk.factors.some((f) => f.factor === 'burst'));

    // The burst as one item: GET /api/v1/incidents and /api/v1/incidents/{id} with its events.
    const get = async (url: string) => svc.service.http.inject({ url, headers: auth() });
    const list = (await get('/api/v1/incidents?cameras=cam-a&limit=100')).json() as {
      items: {
        id: string;
        eventCount: number;
        findingTypes: string[];
        explanation: string | null;
        riskScore: number;
      }[];
    };
    const burst = list.items.find((i) => i.id === normal.incident!.id)!;
    assert.equal(burst.eventCount, 3);
    assert.ok(burst.findingTypes.includes('scene_change') && burst.findingTypes.includes('new_object'));
    assert.ok(burst.explanation && burst.riskScore >= Math.max(covered.risk.score, normal.risk.score) - 1e-9);
    assert.equal(
      ((await get('/api/v1/incidents?cameras=cam-side')).json() as { items: { id: string }[] }).items.some(
        (i) => i.id === burst.id,
      ),
      false,
      'filtered by camera',
    );
    const detail = (await get(`/api/v1/incidents/${burst.id}`)).json() as {
      events: { id: string; incidentId: string }[];
    };
    assert.deepEqual(
      detail.events.map((e) => e.id),
      [normal.id, covered.id, third.id],
      'oldest first',
    );
    assert.ok(detail.events.every((e) => e.incidentId === burst.id));
    const byIncident = (await get(`/api/v1/events?incidents=${burst.id}`)).json() as { items: unknown[] };
    assert.equal(byIncident.items.length, 3);
    assert.equal((await get('/api/v1/incidents/01900000-0000-7000-8000-000000000000')).statusCode, 404);
  });

  it('a false positive teaches the camera: the decrypted frame becomes a normal snapshot and the re-score drops the finding', async () => {
    const gardener = await analyse([await personOnLawn(kit, kit.frames[5]!)], recentAt(10, 30));
    assert.deepEqual(types(gardener), ['unusual_position']);
    const sealed = await svc.service.http.inject({
      url: `/api/v1/events/${gardener.id}/snapshots/0`,
      headers: auth(),
    });
    assert.equal(sealed.statusCode, 200);
    const decrypter = new Decrypter();
    decrypter.addIdentity(ownerIdentity);
    const frame = Buffer.from(await decrypter.decrypt(sealed.rawPayload));
    const send = (body: Buffer | string, type = 'image/jpeg', index = 0) =>
      svc.service.http.inject({
        method: 'POST',
        url: `/api/v1/events/${gardener.id}/snapshots/${index}/normal`,
        headers: { ...auth(), 'content-type': type },
        payload: body,
      });
    const datasetId = (await svc.service.ml.datasets.defaultDataset('cam-a')).id;
    const normalBefore = (await svc.service.ml.datasets.snapshots(datasetId, 'normal')).length;

    // Another picture, a missing frame, a wrong body: refused, nothing stored.
    const other = await send(kit.frames[4]!);
    assert.equal(other.statusCode, 400, other.body);
    assert.match(other.json().error.message, /is not frame 0 of event/);
    assert.equal((await send(frame, 'image/jpeg', 3)).statusCode, 404);
    assert.equal((await send('{}', 'application/json')).statusCode, 415);
    assert.equal((await svc.service.ml.datasets.snapshots(datasetId, 'normal')).length, normalBefore);

    // The owner's CLI: fetch the ciphertext, decrypt locally, send it back, follow the re-score.
    const address = await svc.service.http.listen({ host: '127.0.0.1', port: 0 });
    const lines: string[] = [];
    const after = await teachNormal(
      new ApiClient(address, svc.adminToken),
      { eventId: gardener.id, frames: [0], identities: [ownerIdentity], follow: true, pollMs: 50 },
      (line) => lines.push(line),
    );
    const taughtId = /normal snapshot (\S+) \(accepted\)/.exec(lines[0]!)?.[1];
    assert.ok(taughtId, lines.join('\n'));
    assert.match(lines.join('\n'), /before: \w+ \(\d+\): unusual_position\/person\n/);
    assert.deepEqual(after?.findings, [], lines.join('\n'));
    assert.equal(after?.riskScore, 0);
    assert.match(lines.join('\n'), /baseline v[2-9]/);
    const stored = await svc.service.ml.datasets.snapshots(datasetId, 'normal');
    assert.equal(stored.length, normalBefore + 1);
    assert.ok(stored.some((s) => s.id === taughtId));
    const report = (
      await svc.service.http.inject({ url: `/api/v1/events/${gardener.id}/report`, headers: auth() })
    ).json();
    assert.deepEqual(report.findings, []);
    // Sending it again stores nothing new.
    assert.equal((await send(frame)).json().status, 'duplicate');
  });
});
