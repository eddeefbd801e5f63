import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { silentLogger } from '../test-support/silent-logger.js';
import { WorkerPool, workerScript } from './worker-pool.js';
import { isAppError } from '../errors/app-error.js';

const pool = new WorkerPool(
  { script: workerScript(import.meta.url, 'worker-pool.fixture'), size: 2, maxQueue: 8, name: 'test' },
  silentLogger,
);
after(() => pool.close());

function expectedHash(rounds: number): string {
  let h = Buffer.alloc(32);
  for (let i = 0; i < rounds; i++) h = createHash('sha256').update(h).digest();
  return h.toString('hex');
}

describe('WorkerPool', () => {
  it('runs tasks on separate threads and returns their results', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        pool.run<{ threadId: number; hex: string }>('hash', { rounds: 20_000 }),
      ),
    );
    for (const r of results) assert.equal(r.hex, expectedHash(20_000));
    assert.equal(new Set(results.map((r) => r.threadId)).size, 2, 'both workers were used');
  });

  it('forwards progress messages', async () => {
    const seen: unknown[] = [];
    await pool.run('hash', { rounds: 3001 }, { onProgress: (p) => seen.push(p) });
    assert.deepEqual(seen, [{ done: 0 }, { done: 1000 }, { done: 2000 }, { done: 3000 }]);
  });

  it('rejects a task that throws, and keeps working', async () => {
    await assert.rejects(pool.run('fail', {}), /bad input/);
    assert.equal((await pool.run<{ hex: string }>('hash', { rounds: 1 })).hex, expectedHash(1));
  });

  it("keeps an AppError's code and details across the thread boundary", async () => {
    await assert.rejects(
      pool.run('refuse', {}),
      (err) =>
        isAppError(err) &&
        err.code === 'validation_failed' &&
        err.details?.frame === 2 &&
        /too large/.test(err.message),
    );
  });

  it('replaces a crashed worker and fails only its task', async () => {
    await assert.rejects(pool.run('crash', {}), /worker crashed/);
    const results = await Promise.all([pool.run('hash', { rounds: 10 }), pool.run('hash', { rounds: 10 })]);
    assert.equal(results.length, 2);
    assert.equal(pool.size, 2);
  });

  it('refuses work beyond its queue bound (back-pressure)', async () => {
    const tasks = Array.from({ length: 12 }, () =>
      pool.run('hash', { rounds: 50_000 }).then(
        () => 'ok',
        (e: Error) => e.message,
      ),
    );
    const outcomes = await Promise.all(tasks);
    assert.ok(outcomes.filter((o) => /queue is full/.test(o)).length >= 1);
    assert.ok(outcomes.filter((o) => o === 'ok').length >= 8);
  });

  it('closing ends the tasks in flight and the queued ones (nothing waits forever)', async () => {
    const own = new WorkerPool(
      { script: workerScript(import.meta.url, 'worker-pool.fixture'), size: 1, name: 'closing' },
      silentLogger,
    );
    const running = own.run<string>('hash', { rounds: 5_000_000 }).catch((e: Error) => e.message);
    const queued = own.run<string>('hash', { rounds: 1 }).catch((e: Error) => e.message);
    await new Promise((r) => setTimeout(r, 200));
    await own.close();
    assert.match(await running, /closed while the task ran/);
    assert.match(await queued, /worker pool closed/);
  });
});
