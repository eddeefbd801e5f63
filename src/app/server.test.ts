import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../config/load.js';
import { silentLogger } from '../test-support/silent-logger.js';
import { startService } from './server.js';

function config(overrides: Record<string, unknown>) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'uvm-server-'));
  return loadConfig({
    env: {},
    overrides: { dataDir, 'server.port': 0, 'edgeApi.port': 0, 'jobs.pollIntervalMs': 20, ...overrides },
  });
}

describe('startService', () => {
  it('starts with S3 unreachable, and /readyz says which dependency is down', async () => {
    const running = await startService(
      config({
        'storage.driver': 's3',
        storage: {
          driver: 's3',
          s3: { endPoint: '127.0.0.1', port: 1, useSsl: false, accessKey: 'a', secretKey: 'b' },
        },
      }),
      silentLogger,
      { onInitialAdminToken: () => {} },
    );
    try {
      const base = `http://127.0.0.1:${running.address.port}`;
      assert.equal((await fetch(`${base}/healthz`)).status, 200);
      const ready = await fetch(`${base}/readyz`);
      assert.equal(ready.status, 503);
      const body = (await ready.json()) as { checks: Record<string, { status: string; error?: string }> };
      assert.equal(body.checks.database!.status, 'up');
      assert.equal(body.checks.blob_store!.status, 'down');
      assert.ok(body.checks.blob_store!.error);
    } finally {
      await running.stop('test');
    }
  });

  it('on stop, lets an in-flight job finish and then refuses new connections', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const isStarted = new Promise<void>((r) => (started = r));
    const running = await startService(config({}), silentLogger, {
      onInitialAdminToken: () => {},
      registerJobs: (r) =>
        r.register({
          type: 'test.slow',
          handler: async () => {
            started();
            await gate;
            return 'finished';
          },
        }),
    });
    const { job } = await running.service.jobs.queue.enqueue('test.slow', {});
    running.service.jobs.runner.wake();
    await isStarted;
    const stopping = running.stop('test');
    const ready = await fetch(`http://127.0.0.1:${running.address.port}/readyz`).catch(() => null);
    if (ready) assert.equal(ready.status, 503, 'not ready while shutting down');
    setTimeout(release, 100);
    await stopping;
    const { openDatabase } = await import('../db/database.js');
    const db = openDatabase({
      path: path.join(running.service.config.dataDir, 'uservm.sqlite'),
      busyTimeoutMs: 1000,
    });
    const row = await db.db
      .selectFrom('jobs')
      .select(['status', 'result'])
      .where('id', '=', job.id)
      .executeTakeFirstOrThrow();
    await db.close();
    assert.equal(row.status, 'succeeded');
    assert.equal(row.result, '"finished"');
    await assert.rejects(fetch(`http://127.0.0.1:${running.address.port}/healthz`));
  });
});
