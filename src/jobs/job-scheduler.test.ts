import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { testDatabase } from '../test-support/db.js';
import { silentLogger } from '../test-support/silent-logger.js';
import { JobQueue } from './job-queue.js';
import { JobRegistry } from './job-registry.js';
import { JobRepository } from './job-repository.js';
import { JobScheduler } from './job-scheduler.js';

const handle = testDatabase();
after(() => handle.cleanup());

it('enqueues periodic jobs on their interval without doubling one that is still waiting', async () => {
  const registry = new JobRegistry();
  registry.register({ type: 'tick', handler: async () => null });
  const queue = new JobQueue(new JobRepository(handle.db), registry, { maxAttempts: 1 });
  const scheduler = new JobScheduler(queue, silentLogger);
  scheduler.every('tick', 30);
  scheduler.start();
  await new Promise((r) => setTimeout(r, 200));
  scheduler.stop();
  const jobs = await queue.list({ type: 'tick' });
  assert.equal(jobs.length, 1, 'several intervals passed, one queued job (dedupe by type)');
  assert.equal(jobs[0]!.status, 'queued');
});
