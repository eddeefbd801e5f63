import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { silentLogger } from '../test-support/silent-logger.js';
import { openDatabase } from './database.js';
import { WalCheckpointer } from './wal-checkpointer.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uvm-wal-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('WalCheckpointer', () => {
  it("checkpoints in its worker, never in the service's commits, and hands back on stop", async () => {
    const file = path.join(dir, 'db.sqlite');
    const handle = openDatabase({ path: file, busyTimeoutMs: 5000 });
    const { sqlite } = handle;
    const checkpointer = new WalCheckpointer(
      sqlite,
      { path: file, intervalMs: 50, busyTimeoutMs: 5000 },
      silentLogger,
    );
    checkpointer.start();
    assert.equal(sqlite.pragma('wal_autocheckpoint', { simple: true }), 0);
    sqlite.exec('CREATE TABLE t (v BLOB)');
    // ~8 MB: twice SQLite's autocheckpoint threshold, all left to the worker.
    const insert = sqlite.prepare('INSERT INTO t VALUES (randomblob(4000))');
    for (let i = 0; i < 2000; i++) insert.run();
    const walBytes = () => fs.statSync(`${file}-wal`).size;
    assert.ok(walBytes() > 4 * 1024 * 1024, 'the commits did not checkpoint');
    // Only the worker checkpoints: the database file grows to hold the rows without this
    // connection doing anything.
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && fs.statSync(file).size < 7 * 1024 * 1024)
      await new Promise((r) => setTimeout(r, 50));
    assert.ok(fs.statSync(file).size > 7 * 1024 * 1024, 'the rows reached the database file');
    await checkpointer.stop();
    assert.equal(sqlite.pragma('wal_autocheckpoint', { simple: true }), 1000);
    assert.equal((sqlite.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n, 2000);
    await handle.close();
  });
});
