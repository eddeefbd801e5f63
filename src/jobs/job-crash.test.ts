import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { testDatabase } from '../test-support/db.js';
import { silentLogger } from '../test-support/silent-logger.js';
import { JobQueue } from './job-queue.js';
import { JobRegistry } from './job-registry.js';
import { JobRepository } from './job-repository.js';
import { JobRunner } from './job-runner.js';

const handle = testDatabase();
after(() => handle.cleanup());

it('a job running when its process is killed (SIGKILL) runs again after restart', async () => {
  const repo = new JobRepository(handle.db);
  const registry = new JobRegistry();
  let ranAgain = 0;
  registry.register({ type: 'train', handler: async () => ++ranAgain });
  const queue = new JobQueue(repo, registry, { maxAttempts: 3 });
  const { job } = await queue.enqueue('train', { camera: 'c1' });

  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./job-crash.fixture.ts', import.meta.url)), handle.file],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('started') && resolve());
    child.on('exit', (code) => reject(new Error(`fixture exited early (${code})`)));
  });
  assert.equal((await queue.get(job.id)).status, 'running');
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));

  // The "restarted" service: a new runner with the same database.
  const runner = new JobRunner(
    repo,
    registry,
    {
      concurrency: 1,
      pollIntervalMs: 50,
      leaseMs: 1000,
      backoff: { baseMs: 100, maxMs: 1000 },
      retentionDays: 1,
    },
    silentLogger,
  );
  runner.start();
  const deadline = Date.now() + 10_000;
  while ((await queue.get(job.id)).status !== 'succeeded' && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  await runner.stop(1000);
  const view = await queue.get(job.id);
  assert.equal(view.status, 'succeeded');
  // A kill is not the job failing: the attempt is given back and the interruption counted.
  assert.equal(view.attempts, 1, 'the killed attempt is given back, the rerun is the first');
  const row = await repo.get(job.id);
  assert.equal(row?.interruptions, 1, 'the kill is counted as an interruption');
  assert.equal(ranAgain, 1);
});
