import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Decrypter } from 'age-encryption';
import { runFullLoop, type LoopResult } from '../src/demo/full-loop.js';
import { silentLogger } from '../src/test-support/silent-logger.js';

/**
 * The first full event flow, as a real edge would drive it (the same code as `npm run demo`):
 * enrol -> sync -> dataset -> training -> model deployed to the simulated edge -> baseline ->
 * events with anomalies -> reports with the expected findings -> clip by range and decryption
 * with the owner's identity -> feedback -> telemetry and health.
 */
describe('end to end: the simulated edge through the whole system', () => {
  let loop: LoopResult;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'uvm-e2e-'));
  const get = async (url: string) => {
    const res = await loop.service.http.inject({
      url,
      headers: { authorization: `Bearer ${loop.adminToken}` },
    });
    assert.ok(res.statusCode < 400, `${url}: ${res.statusCode} ${res.body}`);
    return res;
  };
  before(async () => {
    loop = await runFullLoop({
      dataDir,
      log: silentLogger,
      say: () => undefined,
      epochs: Number(process.env.UVMTEST_E2E_EPOCHS ?? 30),
    });
  });
  after(async () => {
    await loop?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('reports the anomalies the edge sent, with the expected findings and levels', () => {
    const byName = new Map(loop.events.map((e) => [e.name, e.report]));
    const findings = (name: string) => byName.get(name)?.findings.map((f) => f.type) ?? [];
    assert.ok(
      findings('a bus on the lawn').includes('new_object'),
      JSON.stringify(findings('a bus on the lawn')),
    );
    assert.ok(findings('a crowd on the lawn').includes('abnormal_count'));
    assert.ok(findings('someone on the lawn at night').includes('abnormal_time'));
    assert.deepEqual(findings('the lens is covered'), ['scene_change']);
    assert.equal(byName.get('the lens is covered')!.risk.level, 'critical');
    assert.match(
      byName.get('someone on the lawn at night')!.explanation,
      /^Person in the bottom-centre of the view at 03:\d\d, where people are not seen at night/,
    );
    for (const e of loop.events) {
      assert.equal(
        e.report.models.cae?.version,
        '1.0.0',
        'the server scored with the same model the edge runs',
      );
      assert.ok(e.report.edgeComparison.serverScore !== null);
    }
  });

  it("serves an event's clip by range, and only the owner's identity decrypts it", async () => {
    const e = loop.events[0]!;
    const whole = (await get(`/api/v1/events/${e.eventId}/clip`)).rawPayload;
    assert.equal(whole.subarray(0, 21).toString(), 'age-encryption.org/v1');
    const res = await loop.service.http.inject({
      url: `/api/v1/events/${e.eventId}/clip`,
      headers: { authorization: `Bearer ${loop.adminToken}`, range: 'bytes=0-99' },
    });
    assert.equal(res.statusCode, 206);
    assert.deepEqual(res.rawPayload, whole.subarray(0, 100));
    const d = new Decrypter();
    d.addIdentity(loop.ownerIdentity);
    const clip = Buffer.from(await d.decrypt(whole));
    assert.deepEqual(clip.subarray(0, 3), Buffer.from([0xff, 0xd8, 0xff]), 'a motion-JPEG clip');
  });

  it('takes feedback, and telemetry, health and the deployed model are visible', async () => {
    const night = loop.events.find((e) => e.name === 'someone on the lawn at night')!;
    const fb = await loop.service.http.inject({
      method: 'POST',
      url: `/api/v1/events/${night.eventId}/feedback`,
      headers: { authorization: `Bearer ${loop.adminToken}` },
      payload: { kind: 'confirmed' },
    });
    assert.equal(fb.statusCode, 201);
    assert.equal((await get('/api/v1/cameras/front/feedback')).json().confirmed, 1);
    const telemetry = (await get(`/api/v1/telemetry/edges/${loop.edge.edgeId}`)).json();
    assert.ok(
      telemetry.latest.some((s: { cameraId: string | null }) => s.cameraId === 'front'),
      JSON.stringify(telemetry.latest),
    );
    const health = (await get('/api/v1/health')).json();
    assert.ok(JSON.stringify(health).includes(loop.edge.edgeId));
    const quality = (await get('/api/v1/cameras/front/quality')).json();
    assert.equal(quality.confirmed, 1);
    assert.equal(quality.falsePositiveRate, 0);
    assert.equal(quality.events, loop.events.length);
    assert.ok(quality.riskDistribution.critical >= 1);
    await loop.service.health.evaluate();
    const metrics = (await loop.service.http.inject({ url: '/metrics' })).body;
    assert.match(metrics, /uservm_events\{level="critical"\} [1-9]/);
    assert.match(metrics, /uservm_event_findings\{type="scene_change"\} [1-9]/);
    assert.match(metrics, /uservm_camera_model_info\{camera="front",version="1.0.0",status="activated"\} 1/);
    assert.match(
      metrics,
      new RegExp(`uservm_event_analysis_seconds_count\\{outcome="analyzed"\\} ${loop.events.length}`),
    );
    assert.match(metrics, /uservm_health_subjects\{kind="camera",status="(healthy|degraded|unhealthy)"\} 1/);
    const cameras = (await get('/api/v1/cameras')).json();
    assert.equal(cameras.items.find((c: { id: string }) => c.id === 'front').readiness, 'model_deployed');
  });

  it('the edge renews its certificate and reconnects from its saved identity; the old certificate stops working', async () => {
    const renewed = await loop.edge.renewCertificate();
    assert.ok((await renewed.heartbeat()).session);
    await assert.rejects(loop.edge.edge.heartbeat({}), /superseded|replaced/i);
    const reopened = (await import('../src/edge-client/edge-session.js')).EdgeSession.open(
      renewed.stateDir,
      `127.0.0.1:${loop.service.edges.grpcAddress!.port}`,
    );
    assert.equal((await reopened.models.listAssignments({})).assignments[0]?.cameraId, 'front');
  });
});
