import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAppError } from '../errors/app-error.js';
import { openDatabase } from './database.js';

function db(strictTransactions: boolean, busyTimeoutMs = 200) {
  const handle = openDatabase({ path: ':memory:', busyTimeoutMs, strictTransactions });
  handle.sqlite.exec('CREATE TABLE t (v INTEGER)');
  return handle;
}

describe('guarded SQLite driver', () => {
  it('strict mode refuses a root-handle query inside a transaction at once, and the transaction rolls back', async () => {
    const { db: kdb, close } = db(true, 60_000);
    const started = Date.now();
    await assert.rejects(
      kdb.transaction().execute(async (trx) => {
        await trx
          .insertInto('t' as never)
          .values({ v: 1 } as never)
          .execute();
        await kdb
          .selectFrom('t' as never)
          .selectAll()
          .execute(); // the bug: not through trx
      }),
      /inside an open transaction/,
    );
    assert.ok(Date.now() - started < 1000, 'refused at once, not after the wait');
    const rows = await kdb
      .selectFrom('t' as never)
      .selectAll()
      .execute();
    assert.equal(rows.length, 0, 'rolled back; the connection is free again');
    await close();
  });

  it('strict mode lets work started inside a transaction query after the transaction has ended', async () => {
    const { db: kdb, close } = db(true);
    let later: Promise<unknown> = Promise.resolve();
    await kdb.transaction().execute(async () => {
      later = new Promise((r) => setTimeout(r, 20)).then(() =>
        kdb
          .selectFrom('t' as never)
          .selectAll()
          .execute(),
      );
    });
    await later;
    await close();
  });

  it('without strict mode the same mistake fails with database_busy after the wait instead of hanging', async () => {
    const { db: kdb, close } = db(false, 150);
    const err = await kdb
      .transaction()
      .execute(async () => {
        await kdb
          .selectFrom('t' as never)
          .selectAll()
          .execute();
      })
      .catch((e: unknown) => e);
    assert.ok(isAppError(err) && err.code === 'database_busy', String(err));
    assert.equal(err.httpStatus, 503);
    // The connection is usable afterwards.
    await kdb
      .insertInto('t' as never)
      .values({ v: 2 } as never)
      .execute();
    await close();
  });

  it('queries queue behind a transaction in order and run once it commits', async () => {
    const { db: kdb, close } = db(false, 2000);
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const trx = kdb.transaction().execute(async (t) => {
      await t
        .insertInto('t' as never)
        .values({ v: 1 } as never)
        .execute();
      await gate;
      order.push('commit');
    });
    await new Promise((r) => setImmediate(r));
    const reads = [1, 2, 3].map((i) =>
      kdb
        .selectFrom('t' as never)
        .selectAll()
        .execute()
        .then((rows) => order.push(`read${i}:${rows.length}`)),
    );
    release();
    await Promise.all([trx, ...reads]);
    assert.deepEqual(order, ['commit', 'read1:1', 'read2:1', 'read3:1']);
    await close();
  });
});
