// Child process for job-crash.test.ts: leases a job, reports that it started, then hangs until killed.
import { openDatabase } from '../db/database.js';
import { JobRegistry } from './job-registry.js';
import { JobRepository } from './job-repository.js';
import { JobRunner } from './job-runner.js';
import { silentLogger } from '../test-support/silent-logger.js';

const file = process.argv[2]!;
const { db } = openDatabase({ path: file, busyTimeoutMs: 5000 });
const registry = new JobRegistry();
registry.register({
  type: 'train',
  handler: () => {
    process.stdout.write('started\n');
    return new Promise(() => {});
  },
});
const runner = new JobRunner(
  new JobRepository(db),
  registry,
  {
    concurrency: 1,
    pollIntervalMs: 20,
    leaseMs: 1000,
    backoff: { baseMs: 100, maxMs: 1000 },
    retentionDays: 1,
  },
  silentLogger,
);
runner.start();
