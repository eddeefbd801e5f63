import assert from 'node:assert/strict';
import os from 'node:os';
import { after, describe, it } from 'node:test';
import { testService } from '../test-support/service.js';
import { selfChecks, type SelfCheckDeps } from './self-checks.js';

type Checks = Record<string, { status: string; reason?: string; error?: string }>;

describe('self-health in /readyz, the health tree and /metrics', () => {
  let svc: Awaited<ReturnType<typeof testService>> | undefined;
  after(() => svc?.close());

  it('reports a job backlog and a nearly full disk as degraded (still ready), with reasons and gauges', async () => {
    svc = await testService({ 'health.jobOverdueSeconds': 1, 'health.diskDegradedFreePercent': 100 });
    const s = svc.service;
    const ready = async () =>
      (await s.http.inject({ url: '/readyz' })).json() as { status: string; checks: Checks };
    const first = await ready();
    assert.equal(first.status, 'ready');
    assert.equal(first.checks.jobs!.status, 'up');
    for (const name of ['disk', 'spool', 'jobs', 'workers', 'wireguard', 'detector'])
      assert.ok(first.checks[name], `${name} is checked`);
    assert.equal(first.checks.disk!.status, 'degraded');
    assert.match(first.checks.disk!.reason!, /data directory: .* GiB free of .* GiB .*under 100%/);
    assert.equal(first.checks.detector!.status, 'up');
    assert.match(first.checks.detector!.reason!, /loads on first use/);

    // The runner is not started: a job due 10 s ago is late.
    await s.jobs.queue.enqueue('health.evaluate', {}, { runAt: Date.now() - 10_000 });
    const late = await ready();
    assert.equal(late.status, 'ready', 'degraded is still ready');
    assert.equal(late.checks.jobs!.status, 'degraded');
    assert.match(late.checks.jobs!.reason!, /1 queued jobs are over 1 s late/);

    const tree = (
      await s.http.inject({ url: '/api/v1/health', headers: { authorization: `Bearer ${svc.adminToken}` } })
    ).json() as { service: { status: string; reasons: { code: string; message: string }[] } };
    assert.equal(tree.service.status, 'degraded');
    assert.ok(tree.service.reasons.some((r) => r.code === 'jobs_degraded' && /late/.test(r.message)));
    assert.ok(tree.service.reasons.some((r) => r.code === 'disk_degraded'));

    const metrics = (await s.http.inject({ url: '/metrics' })).body;
    assert.match(metrics, /uservm_disk_free_bytes\{volume="data"\} [1-9]/);
    assert.match(metrics, /uservm_jobs_overdue 1/);
    assert.match(metrics, /uservm_check_status\{check="jobs"\} 1/);
    assert.match(metrics, /uservm_check_status\{check="database"\} 0/);
  });
});

describe('self-checks on their own', () => {
  const deps = (over: Partial<SelfCheckDeps> = {}): SelfCheckDeps => ({
    dataDir: os.tmpdir(),
    spoolDir: os.tmpdir(),
    health: {
      diskDegradedFreePercent: 0,
      diskDownFreePercent: 0,
      jobOverdueSeconds: 300,
      deadJobWindowHours: 24,
    },
    jobs: { backlog: async () => ({ overdue: 0, oldestDueAt: null, dead: 2 }) },
    spooledObjects: async () => 3,
    waitingFrames: { usedBytes: 90, maxBytes: 100 },
    workerCrashes: () => ({ ingest: 0, detector: 1 }),
    wireguard: {
      lastError: null,
      lastSyncAt: Date.now() - 200_000,
      intervalMs: 30_000,
      driver: { kind: 'wg', peerStatus: async () => [] },
    },
    detector: () => ({ started: true, loaded: false, lastError: 'model file missing', recentCrashes: 0 }),
    ...over,
  });
  const run = async (d: SelfCheckDeps) =>
    Object.fromEntries(await Promise.all(selfChecks(d).map(async (c) => [c.name, await c.check()] as const)));

  it('says why each part is degraded or down', async () => {
    const r = await run(deps());
    assert.equal(r.disk!.status, 'up');
    assert.equal(r.spool!.status, 'degraded');
    assert.match(r.spool!.reason!, /3 archive objects waiting .* fill 90.0% of their room/);
    assert.equal(r.jobs!.status, 'degraded');
    assert.match(r.jobs!.reason!, /2 jobs died in the last 24 h/);
    assert.equal(r.workers!.status, 'degraded');
    assert.match(r.workers!.reason!, /detector 1/);
    assert.equal(r.wireguard!.status, 'degraded');
    assert.match(r.wireguard!.reason!, /peers last applied 200 s ago/);
    assert.equal(r.detector!.status, 'down');
    assert.match(r.detector!.reason!, /model file missing/);
  });

  it('is down when the disk is under the down threshold or the interface cannot be read', async () => {
    const r = await run(
      deps({
        health: {
          diskDegradedFreePercent: 100,
          diskDownFreePercent: 100,
          jobOverdueSeconds: 300,
          deadJobWindowHours: 24,
        },
        wireguard: {
          lastError: null,
          lastSyncAt: null,
          intervalMs: 30_000,
          driver: { kind: 'wg', peerStatus: async () => Promise.reject(new Error('no such device: wg0')) },
        },
      }),
    );
    assert.equal(r.disk!.status, 'down');
    assert.equal(r.spool!.status, 'down');
    assert.equal(r.wireguard!.status, 'down');
    assert.match(r.wireguard!.reason!, /no such device: wg0/);
  });
});
