import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type DatabaseHandle } from '../db/database.js';
import { migrate } from '../db/migrator.js';

/** A migrated database in a fresh temp folder (a real file, so WAL and locking behave as in production). */
export function testDatabase(): DatabaseHandle & { dir: string; file: string; cleanup(): Promise<void> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uvm-db-'));
  const file = path.join(dir, 'test.sqlite');
  const handle = openDatabase({ path: file, busyTimeoutMs: 5000, strictTransactions: true });
  migrate(handle.sqlite);
  return {
    ...handle,
    dir,
    file,
    cleanup: async () => {
      await handle.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An active edge `e` with one camera `c`: the rows events and archive objects refer to. */
export async function insertEdgeWithCamera(db: DatabaseHandle['db'], now = Date.now()): Promise<void> {
  await db
    .insertInto('edges')
    .values({
      id: 'e',
      name: 'e',
      status: 'active',
      enrolled_at: now,
      created_at: now,
      updated_at: now,
    } as never)
    .execute();
  await db
    .insertInto('cameras')
    .values({ id: 'c', edge_id: 'e', name: 'c', created_at: now, updated_at: now } as never)
    .execute();
}
