import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { withStatementCache } from './database.js';

describe('statement cache under Kysely', () => {
  it('reuses a prepared statement per SQL text and drops the least recently used past its bound', () => {
    const sqlite = new BetterSqlite3(':memory:');
    const cached = withStatementCache(sqlite);
    const first = cached.prepare('SELECT 1 AS one');
    assert.equal(cached.prepare('SELECT 1 AS one'), first, 'same text, same statement');
    for (let i = 0; i < 1000; i++) cached.prepare(`SELECT ${i + 2} AS n`);
    assert.notEqual(cached.prepare('SELECT 1 AS one'), first, 'evicted after 1,000 other texts');
    assert.deepEqual(cached.prepare('SELECT 1 AS one').get(), { one: 1 });
    cached.close();
    assert.equal(sqlite.open, false);
  });

  it('still sees schema changes made after a statement was cached', () => {
    const sqlite = new BetterSqlite3(':memory:');
    const cached = withStatementCache(sqlite);
    sqlite.exec('CREATE TABLE t (a INTEGER)');
    sqlite.exec('INSERT INTO t VALUES (1)');
    assert.deepEqual(cached.prepare('SELECT * FROM t').all(), [{ a: 1 }]);
    sqlite.exec('ALTER TABLE t ADD COLUMN b INTEGER DEFAULT 2');
    assert.deepEqual(cached.prepare('SELECT * FROM t').all(), [{ a: 1, b: 2 }]);
  });
});
