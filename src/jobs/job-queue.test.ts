import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import { testDatabase } from '../test-support/db.js';
import { silentLogger } from '../test-support/silent-logger.js';
import { backoffDelay, JobQueue } from './job-queue.js';
import { JobRegistry, PermanentJobError, type JobContext } from './job-registry.js';
import { JobRepository } from './job-repository.js';
import { JobRunner, type JobOutcome } from './job-runner.js';

const handle = testDatabase();
after(() => handle.cleanup());

let clock = 1_000_000;
const now = () => clock;
const repo = new JobRepository(handle.db);

function setup(handlers: Record<string, (ctx: JobContext<unknown>) => Promise<unknown>>, leaseMs = 10_000) {
  const registry = new JobRegistry();
  for (const [type, handler] of Object.entries(handlers)) registry.register({ type, handler });
  const queue = new JobQueue(repo, registry, { maxAttempts: 3 }, now);
  const outcomes: JobOutcome[] = [];
  const runner = new JobRunner(
    repo,
    registry,
    {
      concurrency: 2,
      pollIntervalMs: 10,
      leaseMs,
      backoff: { baseMs: 1000, maxMs: 60_000 },
      retentionDays: 1,
      progressIntervalMs: 0,
    },
    silentLogger,
    (o) => outcomes.push(o),
    now,
  );
  return { registry, queue, runner, outcomes };
}

beforeEach(async () => {
  await handle.db.deleteFrom('jobs').execute();
});

describe('job queue', () => {
  it('runs a job and stores its result', async () => {
    const { queue, runner } = setup({ echo: async (ctx) => ({ got: ctx.payload }) });
    const { job } = await queue.enqueue('echo', { n: 1 });
    assert.equal(await runner.drain(), 1);
    const done = await queue.get(job.id);
    assert.equal(done.status, 'succeeded');
    assert.deepEqual(done.result, { got: { n: 1 } });
    assert.equal(done.attempts, 1);
  });

  it('deduplicates live jobs by key, and allows a new one once the first finished', async () => {
    const { queue, runner } = setup({ work: async () => null });
    const a = await queue.enqueue('work', {}, { dedupeKey: 'camera-1' });
    const b = await queue.enqueue('work', { other: true }, { dedupeKey: 'camera-1' });
    assert.equal(a.created, true);
    assert.equal(b.created, false);
    assert.equal(b.job.id, a.job.id);
    await runner.drain();
    const c = await queue.enqueue('work', {}, { dedupeKey: 'camera-1' });
    assert.equal(c.created, true);
    assert.notEqual(c.job.id, a.job.id);
  });

  it('refuses job types without a handler', async () => {
    const { queue, registry } = setup({ known: async () => null });
    await assert.rejects(queue.enqueue('unknown', {}), /no handler registered/);
    assert.throws(() => registry.assertHandled(['known', 'a', 'b'], 'declared'), /a, b/);
  });

  it('takes higher priority first, then oldest', async () => {
    const order: unknown[] = [];
    const { queue, runner } = setup({ t: async (ctx) => void order.push(ctx.payload) });
    await queue.enqueue('t', 'low');
    await queue.enqueue('t', 'high', { priority: 5 });
    await queue.enqueue('t', 'low2');
    await runner.drain();
    assert.deepEqual(order, ['high', 'low', 'low2']);
  });

  it('does not run a job before its runAt', async () => {
    const { queue, runner } = setup({ t: async () => null });
    await queue.enqueue('t', {}, { runAt: clock + 5000 });
    assert.equal(await runner.drain(), 0);
    clock += 5000;
    assert.equal(await runner.drain(), 1);
  });

  it('retries with exponential backoff, then dead-letters after maxAttempts', async () => {
    let calls = 0;
    const { queue, runner, outcomes } = setup({
      flaky: async () => {
        calls++;
        throw new Error(`boom ${calls}`);
      },
    });
    const { job } = await queue.enqueue('flaky', {});
    await runner.drain();
    let view = await queue.get(job.id);
    assert.equal(view.status, 'queued');
    assert.equal(view.lastError, 'boom 1');
    assert.ok(Date.parse(view.runAt) > clock, 'retry is scheduled in the future');
    assert.equal(await runner.drain(), 0, 'not due yet');
    clock += 120_000;
    await runner.drain();
    clock += 120_000;
    await runner.drain();
    view = await queue.get(job.id);
    assert.equal(view.status, 'dead');
    assert.equal(view.attempts, 3);
    assert.equal(view.lastError, 'boom 3');
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['retrying', 'retrying', 'dead'],
    );
  });

  it('sends a PermanentJobError straight to dead', async () => {
    const { queue, runner } = setup({
      bad: async () => {
        throw new PermanentJobError('image does not decode');
      },
    });
    const { job } = await queue.enqueue('bad', {});
    await runner.drain();
    const view = await queue.get(job.id);
    assert.equal(view.status, 'dead');
    assert.equal(view.attempts, 1);
  });

  it('persists progress reported by the handler', async () => {
    const { queue, runner } = setup({
      long: async (ctx) => {
        ctx.reportProgress({ fraction: 0.5, message: 'epoch 5/10' });
        ctx.reportProgress({ fraction: 1, message: 'done' });
        return null;
      },
    });
    const { job } = await queue.enqueue('long', {});
    await runner.drain();
    const view = await queue.get(job.id);
    assert.equal((view.progress as { fraction: number }).fraction, 1);
    assert.equal((view.progress as { message: string }).message, 'done');
  });

  it('cancels a queued job at once', async () => {
    const { queue, runner } = setup({ t: async () => null });
    const { job } = await queue.enqueue('t', {});
    assert.equal((await queue.cancel(job.id)).status, 'cancelled');
    assert.equal(await runner.drain(), 0);
  });

  it('cancels a running job through its abort signal', async () => {
    let started!: () => void;
    const isStarted = new Promise<void>((r) => (started = r));
    const { queue, runner } = setup(
      {
        slow: (ctx) =>
          new Promise((_, reject) => {
            started();
            ctx.signal.addEventListener('abort', () => reject(new Error('stopped')));
          }),
      },
      750, // lease renewal (which carries the cancel flag) every 250 ms
    );
    const { job } = await queue.enqueue('slow', {});
    const running = runner.drain(1);
    await isStarted;
    await queue.cancel(job.id);
    await running;
    assert.equal((await queue.get(job.id)).status, 'cancelled');
  });

  it('hands a job whose lease expired to another runner', async () => {
    const { queue } = setup({ t: async () => 'second runner' });
    const { job } = await queue.enqueue('t', {});
    // A runner that leased it and then died: the lease is taken but never renewed nor finished.
    const dead = await repo.leaseNext('dead-runner', clock, 10_000, ['t']);
    assert.equal(dead?.id, job.id);
    const { runner } = setup({ t: async () => 'second runner' });
    assert.equal(await runner.drain(), 0, 'lease still valid');
    clock += 10_001;
    assert.equal(await runner.drain(), 1);
    const view = await queue.get(job.id);
    assert.equal(view.status, 'succeeded');
    assert.equal(view.attempts, 1, 'a stopped runner is not the job failing: the attempt is given back');
    assert.equal(
      await repo.finish(job.id, 'dead-runner', 'succeeded', clock, {}),
      false,
      'the old owner can no longer finish it',
    );
  });

  it('never hands its own running job to itself again when a renewal comes late', async () => {
    let runs = 0;
    const { queue, runner } = setup(
      {
        slow: async () => {
          runs++;
          // A busy event loop: the clock passes the lease before the next renewal runs.
          clock += 20_000;
          await new Promise((r) => setTimeout(r, 200));
          return 'done';
        },
      },
      1_000,
    );
    const { job } = await queue.enqueue('slow', {});
    runner.start();
    for (let i = 0; i < 100 && (await queue.get(job.id)).status !== 'succeeded'; i++)
      await new Promise((r) => setTimeout(r, 20));
    await runner.stop(1000);
    const view = await queue.get(job.id);
    assert.equal(view.status, 'succeeded');
    assert.equal(runs, 1, 'one run: the runner did not reclaim the job it was running');
  });

  it('buries a job its runner stopped under too often, and tells its definition why', async () => {
    const buried: [unknown, string][] = [];
    const registry = new JobRegistry();
    registry.register({
      type: 'crashy',
      handler: async () => 'never',
      onBuried: async (p, why) => void buried.push([p, why]),
    });
    const queue = new JobQueue(repo, registry, { maxAttempts: 3 }, now);
    const runner = new JobRunner(
      repo,
      registry,
      {
        concurrency: 1,
        pollIntervalMs: 10,
        leaseMs: 10_000,
        backoff: { baseMs: 1000, maxMs: 60_000 },
        retentionDays: 1,
        maxInterruptions: 4,
      },
      silentLogger,
      () => undefined,
      now,
    );
    const { job } = await queue.enqueue('crashy', { eventId: 'e1' });
    // Five runners in turn lease it and die: more stops than attempts, fewer than the limit, survive.
    for (let i = 0; i < 4; i++) {
      assert.equal(
        (await repo.leaseNext(`dead-${i}`, clock, 10_000, ['crashy']))?.id,
        job.id,
        `stop ${i + 1}`,
      );
      clock += 10_001;
      await runner.drain(0);
    }
    const view = await queue.get(job.id);
    assert.equal(view.status, 'dead');
    assert.match(view.lastError!, /stopped 4 times while it ran/);
    assert.deepEqual(buried, [[{ eventId: 'e1' }, 'the service stopped 4 times while it ran']]);
  });

  it('stop() hands unfinished jobs back with their attempt refunded', async () => {
    const { queue, runner } = setup({
      hang: (ctx) =>
        new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted')))),
    });
    const { job } = await queue.enqueue('hang', {});
    runner.start();
    while ((await queue.get(job.id)).status !== 'running') await new Promise((r) => setTimeout(r, 5));
    await runner.stop(50);
    const view = await queue.get(job.id);
    assert.equal(view.status, 'queued');
    assert.equal(view.attempts, 0);
  });

  it('runs up to `concurrency` jobs at once in the background loop', async () => {
    let inFlight = 0;
    let peak = 0;
    const { queue, runner } = setup({
      t: async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 20));
        inFlight--;
      },
    });
    for (let i = 0; i < 6; i++) await queue.enqueue('t', i);
    runner.start();
    while ((await queue.list({ status: 'succeeded' })).length < 6)
      await new Promise((r) => setTimeout(r, 10));
    await runner.stop(1000);
    assert.equal(peak, 2);
  });
});

describe('backoffDelay', () => {
  it('grows exponentially and is capped', () => {
    const policy = { baseMs: 1000, maxMs: 10_000 };
    assert.equal(
      backoffDelay(1, policy, () => 1),
      1000,
    );
    assert.equal(
      backoffDelay(3, policy, () => 1),
      4000,
    );
    assert.equal(
      backoffDelay(10, policy, () => 1),
      10_000,
    );
    assert.equal(
      backoffDelay(3, policy, () => 0),
      2000,
    );
  });
});
