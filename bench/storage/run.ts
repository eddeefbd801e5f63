/**
 * bench/storage: blob store put/get throughput (MB/s) with 1 MB and 20 MB objects for the
 * filesystem store and S3 (in-process s3rver, plus a real server when UVMTEST_S3_ENDPOINT is set),
 * and the job queue's enqueue+complete rate. Run: npm run bench:storage
 * Target (issue 2): at least 2,000 jobs/s enqueue+complete on the 2-core dev machine.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { durableS3rver } from '../../src/test-support/durable-s3rver.js';
import { pino } from 'pino';
import { openDatabase } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrator.js';
import { JobQueue } from '../../src/jobs/job-queue.js';
import { JobRegistry } from '../../src/jobs/job-registry.js';
import { JobRepository } from '../../src/jobs/job-repository.js';
import { JobRunner } from '../../src/jobs/job-runner.js';
import type { BlobStore } from '../../src/storage/blob-store.js';
import { FsBlobStore } from '../../src/storage/fs-blob-store.js';
import { S3BlobStore } from '../../src/storage/s3-blob-store.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'uvm-bench-'));
const MB = 1024 * 1024;

async function drain(stream: Readable): Promise<number> {
  let n = 0;
  for await (const chunk of stream) n += (chunk as Buffer).length;
  return n;
}

async function benchStore(name: string, store: BlobStore, bucket: string): Promise<void> {
  await store.ensureBucket(bucket);
  for (const [sizeMb, count] of [
    [1, 40],
    [20, 5],
  ] as const) {
    const data = randomBytes(sizeMb * MB);
    let t = performance.now();
    for (let i = 0; i < count; i++)
      await store.put(bucket, `bench/${sizeMb}/${i}`, Readable.from([data]), { size: data.length });
    const putS = (performance.now() - t) / 1000;
    t = performance.now();
    for (let i = 0; i < count; i++) await drain((await store.get(bucket, `bench/${sizeMb}/${i}`)).stream);
    const getS = (performance.now() - t) / 1000;
    const total = sizeMb * count;
    console.log(
      `${name.padEnd(28)} ${String(sizeMb).padStart(2)} MB x ${String(count).padStart(2)}  put ${(total / putS).toFixed(0).padStart(5)} MB/s   get ${(total / getS).toFixed(0).padStart(5)} MB/s`,
    );
    for (let i = 0; i < count; i++) await store.delete(bucket, `bench/${sizeMb}/${i}`);
  }
}

async function benchJobs(): Promise<void> {
  const handle = openDatabase({ path: path.join(tmp, 'jobs.sqlite'), busyTimeoutMs: 5000 });
  migrate(handle.sqlite);
  const registry = new JobRegistry();
  registry.register({ type: 'bench.noop', handler: async () => null });
  const repo = new JobRepository(handle.db);
  const queue = new JobQueue(repo, registry, { maxAttempts: 3 });
  const runner = new JobRunner(
    repo,
    registry,
    {
      concurrency: 4,
      pollIntervalMs: 10,
      leaseMs: 60_000,
      backoff: { baseMs: 1000, maxMs: 60_000 },
      retentionDays: 1,
    },
    pino({ level: 'silent' }),
  );
  const n = 5000;
  let t = performance.now();
  for (let i = 0; i < n; i++) await queue.enqueue('bench.noop', { i }, { dedupeKey: `k${i}` });
  const enqueueS = (performance.now() - t) / 1000;
  t = performance.now();
  const done = await runner.drain();
  const runS = (performance.now() - t) / 1000;
  console.log(
    `job queue: enqueue ${(n / enqueueS).toFixed(0)} jobs/s (with dedupe key); lease+run+complete ${(done / runS).toFixed(0)} jobs/s`,
  );
  console.log(
    `job queue: enqueue+complete ${(n / (enqueueS + runS)).toFixed(0)} jobs/s end to end (${n} jobs; target >= 2000)`,
  );
  await handle.close();
}

async function main(): Promise<void> {
  console.log(`bench/storage on ${os.cpus().length} cores, node ${process.version}\n`);
  await benchStore('filesystem', new FsBlobStore(path.join(tmp, 'blobs')), 'camera-bench');
  const s3dir = path.join(tmp, 's3rver');
  fs.mkdirSync(s3dir);
  const server = durableS3rver({ address: '127.0.0.1', port: 0, silent: true, directory: s3dir });
  const { port } = await server.run();
  const s3 = (endPoint: string, p: number, accessKey: string, secretKey: string) =>
    new S3BlobStore({
      endPoint,
      port: p,
      useSsl: false,
      accessKey,
      secretKey,
      region: 'us-east-1',
      pathStyle: true,
      bucketPrefix: '',
    });
  await benchStore('s3 (s3rver, same process)', s3('127.0.0.1', port, 'S3RVER', 'S3RVER'), 'camera-bench');
  await server.close();
  const real = process.env.UVMTEST_S3_ENDPOINT;
  if (real) {
    const [host, p] = real.split(':');
    await benchStore(
      `s3 (${real})`,
      s3(host!, Number(p), process.env.UVMTEST_S3_ACCESS_KEY ?? '', process.env.UVMTEST_S3_SECRET_KEY ?? ''),
      'camera-bench',
    );
  }
  console.log('');
  await benchJobs();
  fs.rmSync(tmp, { recursive: true, force: true });
}

await main();
